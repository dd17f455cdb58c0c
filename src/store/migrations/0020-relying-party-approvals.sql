-- Organisations approve the relying parties that may receive their staff's attributes
-- (docs/trust.md): what is released is the party's release policy intersected with the
-- approval's attributes ("all-released" or a list of catalog ids), for the purposes it
-- names, until valid_until (inclusive, a Swedish evaluation day). client_id is not a
-- foreign key: a federated agency's entity identifier may be approved before it ever calls.
create table relying_party_approvals (
  organisation  text not null references organisations (number) on delete cascade,
  client_id     text not null,
  -- "all-released", or an array of catalog attribute ids.
  attributes    jsonb not null,
  -- Purpose ids of the relying party's registration: [] approves requests without a purpose only.
  purposes      jsonb not null default '[]',
  valid_until   date,
  agreement     text not null,
  note          text,
  -- Who approved last (an audit actor: api-key, platform-admin or system).
  actor         jsonb not null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  primary key (organisation, client_id)
);
select behorig_isolate_by_organisation('relying_party_approvals');

-- No agency in production is cut off on upgrade: every (relying party, organisation) pair
-- its release policy names today is approved for all it releases, to be reviewed by the
-- organisation. Organisations created later approve explicitly.
insert into relying_party_approvals (organisation, client_id, attributes, purposes, agreement, actor)
select o.number, rp.client_id, '"all-released"'::jsonb, '[]'::jsonb,
       'Granted by migration 0020: released before approvals existed; review',
       '{"kind": "system", "component": "migration-0020"}'::jsonb
  from relying_parties rp
  join organisations o
    on coalesce(rp.document -> 'release' -> 'organisations', '"all"'::jsonb) = '"all"'::jsonb
    or (jsonb_typeof(rp.document -> 'release' -> 'organisations') = 'array'
        and exists (select 1 from jsonb_array_elements_text(rp.document -> 'release' -> 'organisations') n(number)
                     where replace(n.number, '-', '') = o.number));

-- The purpose a token was issued for, so narrowing an approval's purposes revokes its tokens.
alter table attribute_tokens add column purpose text;

create or replace function behorig_record_tokens(
  p_chain text, p_seq bigint, p_head text, p_new_seq bigint, p_new_head text, p_events jsonb, p_tokens jsonb
) returns boolean
language plpgsql as $$
begin
  -- As in 0011, and the token's purpose.
  update audit_chains set seq = p_new_seq, head = p_new_head
   where chain = p_chain and seq = p_seq and head = p_head;
  if not found then
    return false;
  end if;
  perform behorig_insert_audit_events(p_events);
  insert into attribute_tokens (jti, organisation, client_id, person_id, attributes, purpose, status_list_id, status_idx, expires_at)
  select t.jti, t.organisation, t.client_id, t.person_id, t.attributes, t.purpose, t.status_list_id, t.status_idx, t.expires_at
    from jsonb_to_recordset(p_tokens) as t(jti text, organisation text, client_id text, person_id text, attributes jsonb, purpose text,
                                           status_list_id integer, status_idx integer, expires_at timestamptz);
  return true;
end $$;

-- Issuance reads the approval in the statement that reads the party and the subject, and
-- skips the subject without one; as in 0019 otherwise.
drop function behorig_token_subject(text, text, text, text);

create function behorig_token_subject(p_client text, p_org text, p_by text, p_value text)
returns table (
  rp_client_id text, rp_document jsonb, rp_disabled boolean, rp_created_at timestamptz, rp_updated_at timestamptz, rp_generation uuid,
  person_id text, service_id text, pin_sealed text, organisation_name text,
  attribute_id text, domain text, unit_id text, valid_from date, valid_until date, computed_at timestamptz,
  catalog_version text, source_as_of timestamptz,
  unit_name text, unit_hsa_id text, unit_school_unit_code text,
  ap_attributes jsonb, ap_purposes jsonb, ap_valid_until date
)
-- The planner prices the provenance's jsonb expansions at its default 100 rows each: enough
-- to cross the JIT threshold, and compiling costs a hundred times what running does.
language plpgsql stable set jit = off as $$
#variable_conflict use_column
declare
  v_rp relying_parties%rowtype;
  v_people text[];
  v_ap relying_party_approvals%rowtype;
begin
  -- No row at all: no such relying party.
  select * into v_rp from relying_parties where client_id = p_client;
  if not found then
    return;
  end if;
  -- The organisation's approval of the party; without one its people are not read either.
  select * into v_ap from relying_party_approvals where organisation = p_org and client_id = p_client;
  -- At most two people, to tell "exactly one" from "several share this (e-mail)". A disabled
  -- or unapproved party's subject is not read.
  if v_rp.disabled or v_ap.client_id is null then
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
      null::text, null::text, null::text,
      v_ap.attributes, v_ap.purposes, v_ap.valid_until;
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
           u.name, u.hsa_id, u.school_unit_code,
           v_ap.attributes, v_ap.purposes, v_ap.valid_until
      from people p
      join organisations o on o.number = p.organisation
      left join effective_attributes ea on ea.organisation = p.organisation and ea.person_id = p.id
      left join units u on u.organisation = ea.organisation and u.id = ea.unit_id
      left join mapping_versions mv on mv.organisation = ea.organisation and mv.domain = ea.domain and mv.status = 'active'
     where p.organisation = p_org and p.id = v_people[1]
     order by ea.attribute_id, ea.unit_id;
end $$;
