-- Relying parties choose the claims their attribute tokens carry (claims_profile): behorig,
-- the v1 claims only, or sweden, which adds the national names beside them. A new party
-- gets sweden by default; every party registered before this migration keeps the tokens
-- it was built against, so its stored document is set to behorig.
update relying_parties set document = document || '{"claims_profile": "behorig"}'::jsonb
 where not document ? 'claims_profile';

-- The sweden profile names each attribute's unit as the agency knows it: its name, its
-- HSA-id and its skolenhetskod (0018). behorig_token_subject returns them with each
-- attribute; as in 0016 otherwise. A new result shape needs the function dropped first.
drop function behorig_token_subject(text, text, text, text);

create function behorig_token_subject(p_client text, p_org text, p_by text, p_value text)
returns table (
  rp_client_id text, rp_document jsonb, rp_disabled boolean, rp_created_at timestamptz, rp_updated_at timestamptz, rp_generation uuid,
  person_id text, service_id text, pin_sealed text, organisation_name text,
  attribute_id text, domain text, unit_id text, valid_from date, valid_until date, computed_at timestamptz,
  catalog_version text, source_as_of timestamptz,
  unit_name text, unit_hsa_id text, unit_school_unit_code text
)
-- The planner prices the provenance's jsonb expansions at its default 100 rows each: enough
-- to cross the JIT threshold, and compiling costs a hundred times what running does.
language plpgsql stable set jit = off as $$
#variable_conflict use_column
declare
  v_rp relying_parties%rowtype;
  v_people text[];
begin
  -- No row at all: no such relying party.
  select * into v_rp from relying_parties where client_id = p_client;
  if not found then
    return;
  end if;
  -- At most two people, to tell "exactly one" from "several share this (e-mail)". A disabled
  -- party's subject is not read.
  if v_rp.disabled then
    v_people := null;
  elsif p_by = 'employee_number' then
    select array_agg(x.id) into v_people from (select p.id from people p where p.organisation = p_org and p.employee_number = p_value limit 2) x;
  elsif p_by = 'service_id' then
    select array_agg(x.id) into v_people from (select p.id from people p where p.organisation = p_org and p.service_id = p_value limit 2) x;
  elsif p_by = 'email' then
    select array_agg(x.id) into v_people from (select p.id from people p where p.organisation = p_org and lower(p.email) = lower(p_value) limit 2) x;
  elsif p_by = 'hsa_id' then
    select array_agg(x.id) into v_people from (select p.id from people p where p.organisation = p_org and p.hsa_id = p_value limit 2) x;
  elsif p_by = 'username' then
    -- People linked to a live, enabled account with that user name, in any of the
    -- organisation's directory sources: one person may have several (LDAP and SCIM), and a
    -- name reused after an account ended belongs to the new holder only.
    select array_agg(x.id) into v_people from (
      select distinct a.person_id as id from directory_accounts a
       where a.organisation = p_org and a.username is not null and lower(a.username) = lower(p_value)
         and a.person_id is not null and a.ended_at is null and not a.disabled
       limit 2) x;
  elsif p_by = 'pin_lookup' then
    select array_agg(x.id) into v_people from (select p.id from people p where p.organisation = p_org and p.pin_lookup = p_value limit 2) x;
  else
    raise exception 'unknown subject lookup %', p_by;
  end if;
  -- One row with the party only: nobody (or more than one) to issue for.
  if v_people is null or cardinality(v_people) <> 1 then
    return query select v_rp.client_id, v_rp.document, v_rp.disabled, v_rp.created_at, v_rp.updated_at, v_rp.generation,
      null::text, null::text, null::text, null::text, null::text, null::text, null::text, null::date, null::date, null::timestamptz, null::text, null::timestamptz,
      null::text, null::text, null::text;
    return;
  end if;
  return query
    select v_rp.client_id, v_rp.document, v_rp.disabled, v_rp.created_at, v_rp.updated_at, v_rp.generation,
           p.id, p.service_id, p.pin_sealed, o.name,
           ea.attribute_id, ea.domain, ea.unit_id, ea.valid_from, ea.valid_until, ea.computed_at, mv.catalog_version,
           -- The oldest of the last successful runs of the sources whose records granted it.
           (select min(last.at)
              -- One unique-index probe per cited employment, however the planner rates the table.
              from (select (select e.source from employments e where e.organisation = p_org and e.id = cited.id) as source
                      from jsonb_array_elements(ea.provenance) pv
                      cross join lateral jsonb_array_elements_text(pv -> 'employment_ids') cited(id)
                    union all
                    select g.source
                      from jsonb_array_elements(ea.provenance) pv
                      cross join lateral jsonb_array_elements_text(pv -> 'group_dns') cited(dn)
                      join person_groups g on g.organisation = p_org and g.person_id = p.id and g.group_dn = cited.dn) s
              cross join lateral (select r.finished_at as at from sync_runs r
                                   where r.organisation = p_org and r.source = s.source and r.state = 'succeeded'
                                   order by r.finished_at desc limit 1) last),
           u.name, u.hsa_id, u.school_unit_code
      from people p
      join organisations o on o.number = p.organisation
      left join effective_attributes ea on ea.organisation = p.organisation and ea.person_id = p.id
      left join units u on u.organisation = ea.organisation and u.id = ea.unit_id
      left join mapping_versions mv on mv.organisation = ea.organisation and mv.domain = ea.domain and mv.status = 'active'
     where p.organisation = p_org and p.id = v_people[1]
     order by ea.attribute_id, ea.unit_id;
end $$;
