import t from 'tap'
import { adminHeaders } from '../helpers/app.js'
import type { AttributesRevoked } from '../../src/mapping/attribute-events.js'
import type { MappingPublished } from '../../src/mapping/service.js'
import { heldBy, importJobs, mappingTestApp, mappingYaml, personByNumber, submit } from './helpers/mapping-app.js'

let auditFails = false
const audited: MappingPublished[] = []
const { app, createOrganisation } = await mappingTestApp({
  // The audit hook runs inside the publish transaction: a failing audit write undoes the publish.
  onMappingPublished: async (event, trx) => {
    await trx.selectFrom('mapping_versions').select('version').execute()
    if (auditFails) throw new Error('audit log unavailable')
    audited.push(event)
  }
})
const revocations: AttributesRevoked[] = []
app.behorig.mappings.events.subscribe(async (event) => { revocations.push(event) })

const V1 = mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [socialtjanst.eb.handlaggare]
`)
const V2 = mappingYaml(`  - id: eb-norr-only
    when: { position_codes: ["151010"], unit_within: soc-eb-norr }
    grant: [socialtjanst.eb.handlaggare]
  - id: bu
    when: { unit_within: soc-bu }
    grant: [socialtjanst.bu.handlaggare]
`)

const publish = (org: string, version: number) => app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/${version}/publish`, headers: adminHeaders })
const status = async (org: string) => (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/mappings`, headers: adminHeaders })).json().items.map((v: { version: number, status: string }) => `${v.version}:${v.status}`)

t.test('publish is atomic: when any step fails nothing changes, not the statuses, not one attribute', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [{ employee_number: '1', unit_id: 'soc-eb-norr' }, { employee_number: '2', unit_id: 'soc-eb-syd' }, { employee_number: '3', unit_id: 'soc-bu' }])
  t.equal((await submit(app, org, V1)).statusCode, 201)
  t.equal((await submit(app, org, V2)).statusCode, 201)
  const first = await publish(org, 1)
  t.equal(first.statusCode, 200)
  t.match(first.json(), { version: 1, status: 'active', published_by: 'platform-admin', recompute: { people: 3, grants: 2, changed: 2, revoked: 0 } })
  t.match(audited.at(-1), { organisation: org, version: 1, domain: 'socialtjanst', catalog_version: '1.0.0', published_by: 'platform-admin', superseded: null, recompute: { people: 3, grants: 2, revoked: 0 } })
  const before = await personByNumber(app, org, '2')
  t.same(await heldBy(app, org, '2'), ['socialtjanst.eb.handlaggare@soc-eb-syd'])

  auditFails = true
  const failed = await publish(org, 2)
  auditFails = false
  t.equal(failed.statusCode, 500)
  t.same(await status(org), ['2:draft', '1:active'], 'statuses unchanged')
  t.same((await personByNumber(app, org, '2')).attributes, before.attributes, 'attributes unchanged, to the timestamp')
  t.same(await heldBy(app, org, '3'), [], 'nothing of version 2 was kept')
  t.equal(revocations.length, 0, 'no revocation is announced for a publish that did not happen')

  const second = await publish(org, 2)
  t.equal(second.statusCode, 200)
  t.same(await status(org), ['2:active', '1:superseded'])
  t.same(await heldBy(app, org, '1'), ['socialtjanst.eb.handlaggare@soc-eb-norr'])
  t.same(await heldBy(app, org, '2'), [])
  t.same(await heldBy(app, org, '3'), ['socialtjanst.bu.handlaggare@soc-bu'])
  t.match((await personByNumber(app, org, '1')).attributes, [{ mapping_version: 2, provenance: [{ mapping_version: 2, rule_id: 'eb-norr-only' }] }])
  t.match(audited.at(-1), { version: 2, superseded: 1, recompute: { people: 3, grants: 2, revoked: 1 } })
  t.same(revocations, [{ organisation: org, domain: 'socialtjanst', mapping_version: 2, cause: { kind: 'publish', version: 2 }, revoked: [{ person_id: before.id, attribute_id: 'socialtjanst.eb.handlaggare', unit_id: 'soc-eb-syd' }] }])
})

t.test('concurrent publishes of two drafts leave exactly one active version', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [{ employee_number: '1', unit_id: 'soc-eb-norr' }])
  await submit(app, org, V1)
  await submit(app, org, V2)
  const results = await Promise.all([publish(org, 1), publish(org, 2)])
  t.same(results.map((r) => r.statusCode), [200, 200])
  const statuses = await status(org) as string[]
  t.equal(statuses.filter((s) => s.endsWith(':active')).length, 1)
  t.equal(statuses.filter((s) => s.endsWith(':superseded')).length, 1)
  const active = Number(statuses.find((s) => s.endsWith(':active'))!.split(':')[0])
  t.match((await personByNumber(app, org, '1')).attributes, [{ mapping_version: active }], 'the attributes are those of the version left active')
})

t.test('a new version of one domain leaves no other domain\'s attributes behind', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [{ employee_number: '1', unit_id: 'soc-eb-norr' }])
  await submit(app, org, V1)
  t.equal((await publish(org, 1)).statusCode, 200)
  await submit(app, org, mappingYaml(`  - id: nobody
    when: { position_codes: ["999999"] }
    grant: [socialtjanst.eb.handlaggare]
`))
  t.equal((await publish(org, 2)).statusCode, 200)
  t.same(await heldBy(app, org, '1'), [], 'a version granting nothing clears what the old one granted')
})
