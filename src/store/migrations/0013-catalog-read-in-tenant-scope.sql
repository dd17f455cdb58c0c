-- Published catalog versions are shared by every organisation and public (the catalog API
-- serves them without authentication). A mapping is compiled against its catalog version
-- inside the organisation's transaction, so the tenant role reads them too, through that
-- transaction (mapping/catalog-source.ts). Read only: nothing tenant-scoped to isolate.
grant select on catalog_versions to behorig_tenant;
