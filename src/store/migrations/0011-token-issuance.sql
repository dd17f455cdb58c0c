-- Token issuance reads everything it needs in one call: the relying party as stored now,
-- the one person a lookup names, and that person's effective attributes with the catalog
-- version of the active mapping and the freshness of the sources behind each. PL/pgSQL
-- prepares each statement once per connection and reuses the plan: the lookup runs for
-- every attribute token, and planning the provenance joins afresh cost more than running them.

-- The latest successful run of a source, found without reading its history.
create index sync_runs_last_success on sync_runs (organisation, source, finished_at desc) where state = 'succeeded';

create function behorig_token_subject(p_client text, p_org text, p_by text, p_value text)
returns table (
  rp_client_id text, rp_document jsonb, rp_disabled boolean, rp_created_at timestamptz, rp_updated_at timestamptz,
  person_id text, service_id text, pin_sealed text, organisation_name text,
  attribute_id text, domain text, unit_id text, valid_from date, valid_until date, computed_at timestamptz,
  catalog_version text, source_as_of timestamptz
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
  elsif p_by = 'pin_lookup' then
    select array_agg(x.id) into v_people from (select p.id from people p where p.organisation = p_org and p.pin_lookup = p_value limit 2) x;
  else
    raise exception 'unknown subject lookup %', p_by;
  end if;
  -- One row with the party only: nobody (or more than one) to issue for.
  if v_people is null or cardinality(v_people) <> 1 then
    return query select v_rp.client_id, v_rp.document, v_rp.disabled, v_rp.created_at, v_rp.updated_at,
      null::text, null::text, null::text, null::text, null::text, null::text, null::text, null::date, null::date, null::timestamptz, null::text, null::timestamptz;
    return;
  end if;
  return query
    select v_rp.client_id, v_rp.document, v_rp.disabled, v_rp.created_at, v_rp.updated_at,
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
                                   order by r.finished_at desc limit 1) last)
      from people p
      join organisations o on o.number = p.organisation
      left join effective_attributes ea on ea.organisation = p.organisation and ea.person_id = p.id
      left join mapping_versions mv on mv.organisation = ea.organisation and mv.domain = ea.domain and mv.status = 'active'
     where p.organisation = p_org and p.id = v_people[1]
     order by ea.attribute_id, ea.unit_id;
end $$;

-- Inserts chained audit events given as the JSON array src/audit/audit-log.ts chainedEvents
-- writes: the one way events are stored, whether appended under the chain's lock
-- (appendAudit) or by the token ledger below.
create function behorig_insert_audit_events(p_events jsonb) returns void
language plpgsql as $$
begin
  insert into audit_events (chain, seq, at, organisation, action, actor, person_id, client_id, details, prev_hash, hash)
  select e.chain, e.seq, e.at, e.organisation, e.action, e.actor, e.person_id, e.client_id, e.details, e.prev_hash, e.hash
    from jsonb_to_recordset(p_events) as e(chain text, seq bigint, at timestamptz, organisation text, action text, actor jsonb,
                                           person_id text, client_id text, details jsonb, prev_hash text, hash text);
end $$;

-- Records a batch of issued tokens with their audit events, appended to the organisation's
-- chain only if its head is still the one the caller hashed the events onto; false, and
-- nothing written, otherwise (src/tokens/issuance-ledger.ts then takes the locking way).
-- A function so its statements are planned once per connection: it runs for every batch
-- of attribute tokens, and planning them afresh cost more than running them.
create function behorig_record_tokens(
  p_chain text, p_seq bigint, p_head text, p_new_seq bigint, p_new_head text, p_events jsonb, p_tokens jsonb
) returns boolean
language plpgsql as $$
begin
  -- Takes the chain row's lock; reads the row as committed once it has it.
  update audit_chains set seq = p_new_seq, head = p_new_head
   where chain = p_chain and seq = p_seq and head = p_head;
  if not found then
    return false;
  end if;
  perform behorig_insert_audit_events(p_events);
  insert into attribute_tokens (jti, organisation, client_id, person_id, attributes, status_list_id, status_idx, expires_at)
  select t.jti, t.organisation, t.client_id, t.person_id, t.attributes, t.status_list_id, t.status_idx, t.expires_at
    from jsonb_to_recordset(p_tokens) as t(jti text, organisation text, client_id text, person_id text, attributes jsonb,
                                           status_list_id integer, status_idx integer, expires_at timestamptz);
  return true;
end $$;
