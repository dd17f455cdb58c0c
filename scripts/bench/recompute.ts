/**
 * Effective-attribute recompute benchmark: 100 000 people, 150 000 employments, 20 000
 * group memberships and a 200-rule mapping, on PostgreSQL (DATABASE_URL; run through
 * scripts/with-test-services.sh to get a throwaway one) and, with `--stores pglite,postgres`,
 * on the embedded store too. Each store runs in its own process so peak RSS is its own.
 *
 *   bash scripts/with-test-services.sh npx tsx scripts/bench/recompute.ts [--people N] [--stores postgres,pglite]
 *
 * Reports the full recompute (publish: activate + evaluate everyone + rewrite every
 * attribute, one transaction; then a plain full recompute), the incremental recompute of
 * 1 000 changed people, the preview of a second version against the active one, and peak
 * RSS. Ceiling measured in the same run on the same store: a bare read of the same fact
 * rows (employments and memberships) plus a server-side insert of as many attribute rows
 * of the same width — the I/O any recompute has to do, with no evaluation in between.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load-config.js'
import { createServices } from '../../src/services.js'
import { createBenchOrganisation, openBenchStore } from './bench-store.js'
import { arg, childStore, out, peakRss, restartPeakRss, quiet as silent, runEachStore, timed, type BenchStoreKind } from './bench-cli.js'
import type { Database } from '../../src/store/database-types.js'
import type { Condition, MappingDocument } from '../../src/mapping/mapping-types.js'

const people = Number(arg('people', '100000'))
const employments = Math.round(people * 1.5)
const memberships = Math.round(people / 5)
const RULES = 200
const CHANGED = 1000
const quiet = { ...silent, error (o: object, m: string) { process.stderr.write(`${m} ${JSON.stringify(o)}\n`) } }

const CODES = Array.from({ length: 20 }, (_, i) => String(151010 + i * 10))
const TITLES = ['Socialsekreterare', 'Förste socialsekreterare', 'Enhetschef', 'Biståndshandläggare', 'LSS-handläggare', 'Familjerättssekreterare', 'Administratör', 'Avdelningschef', 'Undersköterska', 'Familjehemssekreterare']
const TYPES = ['tillsvidare', 'visstid', 'vikariat', 'timavlonad', 'uppdrag']
const groupDn = (g: number): string => `cn=g${g},ou=groups,dc=bench,dc=se`

async function seed (db: Kysely<Database>, org: string): Promise<void> {
  const codes = `{${CODES.join(',')}}`
  const titles = `{${TITLES.map((t) => `"${t}"`).join(',')}}`
  const types = `{${TYPES.join(',')}}`
  await sql`insert into units (organisation, id, name, parent_id, kind, source, last_run)
    select ${org}, 'f' || f, 'Förvaltning ' || f, null, 'forvaltning', 'hr', 'bench' from generate_series(0, 9) f
    union all select ${org}, 'f' || f || '-a' || a, 'Avdelning ' || f || '-' || a, 'f' || f, 'avdelning', 'hr', 'bench' from generate_series(0, 9) f, generate_series(0, 9) a
    union all select ${org}, 'f' || f || '-a' || a || '-e' || e, 'Enhet ' || f || '-' || a || '-' || e, 'f' || f || '-a' || a, 'enhet', 'hr', 'bench'
      from generate_series(0, 9) f, generate_series(0, 9) a, generate_series(0, 19) e`.execute(db)
  await sql`insert into people (organisation, id, service_id, employee_number, source, last_run)
    select ${org}, 'p' || lpad(i::text, 7, '0'), 'ts-' || i, i::text, 'hr', 'bench' from generate_series(1, ${people}) i`.execute(db)
  // Every person one employment, half of them a second; ~10 % have an end date, some already past.
  await sql`insert into employments (organisation, source, key, id, person_id, employment_id, unit_id, position_code, title, employment_type, start_date, end_date, extent, record_hash, last_run)
    select ${org}, 'hr', 'E-' || i, 'E-' || i, 'p' || lpad((((i - 1) % ${people}) + 1)::text, 7, '0'), 'E-' || i,
      'f' || (h % 10) || '-a' || ((h / 10) % 10) || '-e' || ((h / 100) % 20),
      (${codes}::text[])[1 + (h / 2000) % 20], (${titles}::text[])[1 + (h / 7) % 10], (${types}::text[])[1 + (h / 13) % 5],
      date '2015-01-01' + (h % 3650), case when h % 10 = 0 then date '2024-01-01' + (h % 1000) end,
      case when h % 4 = 0 then 50 else 100 end, md5(i::text), 'bench'
    from (select i, abs(hashtext(i::text)) as h from generate_series(1, ${employments}) i) s`.execute(db)
  await sql`insert into directory_groups (organisation, source, dn, cn, record_hash, last_run)
    select ${org}, 'ad', 'cn=g' || g || ',ou=groups,dc=bench,dc=se', 'g' || g, 'h', 'bench' from generate_series(0, 99) g`.execute(db)
  // Every fifth person in one group, every third of those through a nested group.
  await sql`insert into person_groups (organisation, source, person_id, group_dn, via)
    select ${org}, 'ad', 'p' || lpad((i * 5)::text, 7, '0'), 'cn=g' || (i % 100) || ',ou=groups,dc=bench,dc=se',
      case when i % 3 = 0 then array['cn=team' || (i % 50) || ',ou=groups,dc=bench,dc=se'] else '{}'::text[] end
    from generate_series(1, ${memberships}) i`.execute(db)
  for (const table of ['units', 'people', 'employments', 'person_groups']) await sql`analyze ${sql.table(table)}`.execute(db)
}

/**
 * 200 rules over every kind of condition, granting the catalog's attributes in turn, as
 * specific as a real mapping's: most rules name a position and a part of the organisation,
 * so a typical person matches none to a few of them.
 */
function benchMapping (attributes: string[], variant: number): MappingDocument {
  const rules = Array.from({ length: RULES }, (_, r) => {
    const f = r % 10
    const a = Math.floor(r / 10) % 10
    let when: Condition
    switch ((r + variant) % 5) {
      case 0: when = { position_codes: [CODES[r % 20]!], unit_within: `f${f}` }; break
      case 1: when = { all: [{ titles: [`^${TITLES[r % 10]!.split(' ')[0]!}`] }, { unit_within: `f${f}-a${a}` }], employment_types: ['tillsvidare', 'visstid', 'vikariat'] }; break
      case 2: when = { groups: [groupDn(r % 100)], unit_kinds: ['enhet'] }; break
      case 3: when = { unit_within: `f${f}`, any: [{ position_codes: [CODES[r % 20]!, CODES[(r + 7) % 20]!] }, { groups: [groupDn((r * 3) % 100)] }], not: { employment_types: ['timavlonad'] } }; break
      default: when = { position_codes: [CODES[(r + 3) % 20]!], min_extent: 75, unit_within: [`f${f}-a${a}`, `f${(f + 1) % 10}-a${a}`] }
    }
    return { id: `r${r}`, when, grant: [attributes[r % attributes.length]!] }
  })
  return { domain: 'socialtjanst', catalog_version: '1.0.0', rules }
}

async function ceiling (db: Kysely<Database>, org: string, rows: number): Promise<number> {
  const [, readS] = await timed(async () => {
    await sql`select id, person_id, unit_id, position_code, title, employment_type, extent, start_date, end_date from employments where organisation = ${org} and ended_at is null`.execute(db)
    await sql`select person_id, group_dn, via from person_groups where organisation = ${org}`.execute(db)
  })
  await sql`create temporary table bench_attributes (like effective_attributes)`.execute(db)
  const [, writeS] = await timed(() => sql`insert into bench_attributes
    select ${org}, 'p' || lpad(g::text, 7, '0'), 'socialtjanst', 'socialtjanst.eb.handlaggare', 'f1-a1-e1', date '2020-01-01', null, 1,
      ('[{"mapping_version":1,"rule_id":"r' || (g % 200) || '","employment_ids":["E-' || g || '"],"group_dns":[],"group_via":{}}]')::jsonb, now()
    from generate_series(1, ${rows}) g`.execute(db))
  return readS + writeS
}

async function runStore (kind: BenchStoreKind): Promise<void> {
  const { store, drop } = await openBenchStore(kind)
  restartPeakRss()
  const config = loadConfig({ BEHORIG_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64url'), LOG_LEVEL: 'silent' })
  const services = await createServices(config, quiet, { store, now: () => new Date('2025-06-01T10:00:00Z') })
  const { publishCatalogs } = await import('../../src/catalog/service.js')
  await publishCatalogs(store.db)
  const org = await createBenchOrganisation(store)
  const [, seedS] = await timed(() => seed(store.db, org))
  out(`${kind.padEnd(8)} seeded ${people} people, ${employments} employments, ${memberships} memberships, 2110 units in ${seedS.toFixed(1)} s`)

  const catalog = parse(readFileSync(new URL('../../attribute-catalog/socialtjanst/1.0.0.yaml', import.meta.url), 'utf8')) as { attributes: Array<{ id: string }> }
  const attributes = catalog.attributes.map((a) => a.id)
  const v1 = await services.mappings.submit(org, JSON.stringify(benchMapping(attributes, 0)), 'application/json', 'bench')
  const [published, publishS] = await timed(() => services.mappings.publish(org, v1.version, 'bench'))
  const grants = published.published.recompute.grants
  out(`${kind.padEnd(8)} publish + full recompute   ${publishS.toFixed(2).padStart(6)} s  (${published.published.recompute.people} people, ${grants} attributes held by ${published.published.recompute.changed} people, ${RULES} rules)`)
  const [again, fullS] = await timed(() => services.mappings.recompute(org, 'all'))
  out(`${kind.padEnd(8)} full recompute (again)     ${fullS.toFixed(2).padStart(6)} s  (${again.grants} attributes, ${again.changed} people rewritten, ${again.revoked} revoked)`)

  // 1 000 people change: every one of their employments moves to another unit and code.
  const ids = Array.from({ length: CHANGED }, (_, i) => `p${String(1 + i * Math.floor(people / CHANGED)).padStart(7, '0')}`)
  await sql`update employments set unit_id = 'f' || ((substr(id, 3)::int) % 10) || '-a3-e5', position_code = '151030'
    where organisation = ${org} and person_id in (${sql.join(ids)})`.execute(store.db)
  let revoked = 0
  services.mappings.events.subscribe(async (e) => { revoked += e.revoked.length })
  const [incremental, incS] = await timed(() => services.mappings.recompute(org, ids, { kind: 'sync', run_id: 'bench' }))
  out(`${kind.padEnd(8)} incremental, ${CHANGED} people   ${incS.toFixed(2).padStart(6)} s  (${incremental.grants} attributes, ${incremental.changed} people rewritten, ${revoked} revocations emitted)`)

  const v2 = await services.mappings.submit(org, JSON.stringify(benchMapping(attributes, 1)), 'application/json', 'bench')
  const [preview, previewS] = await timed(() => services.mappings.preview(org, v2.version, 100))
  const changes = Object.values(preview.attributes).reduce((n, a) => n + a.gained_count + a.lost_count, 0)
  out(`${kind.padEnd(8)} preview of a second version ${previewS.toFixed(2).padStart(5)} s  (${preview.people} people, ${changes} gains and losses, ${preview.rules_matching_nobody.length} rules matching nobody)`)

  const ceilingS = await ceiling(store.db, org, grants)
  out(`${kind.padEnd(8)} ceiling: bare read of the facts + insert of ${grants} attribute rows ${ceilingS.toFixed(2)} s; full recompute = ${(fullS / ceilingS).toFixed(1)}× ceiling`)
  await services.close(); await store.close(); await drop()
  out(peakRss(kind))
}

const child = childStore()
if (child) {
  await runStore(child)
} else {
  out(`Recompute benchmark: ${people} people, ${employments} employments, ${memberships} group memberships, ${RULES} rules; node ${process.version}, ${(await import('node:os')).cpus().length} cores`)
  runEachStore(fileURLToPath(import.meta.url), arg('stores', 'postgres').split(',') as BenchStoreKind[], ['--people', String(people)])
}
