// A catalog version that retires an attribute: held up to the day before, released on no
// day from the retirement on (the clock moved, no job run), and taken away with its live
// token revoked by the day job, without a new publish.
import t from 'tap'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeJwt } from 'jose'
import YAML from 'yaml'
import { adminHeaders, buildTestApp, openTestStore } from '../helpers/app.js'
import { approveRelyingParty } from '../helpers/relying-party.js'
import { decodeStatusList, statusAt } from '../helpers/status-list.js'
import { defaultCatalogDir } from '../../src/catalog/catalog-loader.js'
import { movableClock } from '../assignments/helpers/assignment-flow.js'
import { mappingYaml, personByNumber, publishMapping } from './helpers/mapping-app.js'
import { agency, ISSUER, PIN, requestToken, seededOrganisation, verifyAttributeToken } from '../tokens/helpers/token-app.js'

const RETIRING = 'socialtjanst.eb.handlaggare'
const catalogDir = t.testdir()
cpSync(defaultCatalogDir(), catalogDir, { recursive: true })
const next = YAML.parse(readFileSync(join(catalogDir, 'socialtjanst/1.1.0.yaml'), 'utf8')) as { version: string, attributes: Array<Record<string, unknown>> }
next.version = '1.2.0'
Object.assign(next.attributes.find((a) => a['id'] === RETIRING)!, { status: 'deprecated', replaced_by: 'socialtjanst.eb.mottagningshandlaggare', retires_on: '2025-06-10' })
writeFileSync(join(catalogDir, 'socialtjanst/1.2.0.yaml'), YAML.stringify(next))

const clock = movableClock()
const test = await buildTestApp(await openTestStore(), { BEHORIG_CATALOG_DIR: catalogDir, BEHORIG_ISSUER: ISSUER }, { now: clock.now })
const { app } = test

t.test('an attribute the catalog retires is held until the day before, refused from the day, and gone with its token revoked after the day job', async (t) => {
  t.teardown(clock.reset)
  const org = await seededOrganisation(test)
  const published = await publishMapping(app, org, mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [${RETIRING}]
`, '1.2.0'))
  t.ok(published, 'a mapping on the catalog version that retires it')
  const held = (await personByNumber(app, org, '1001')).attributes
  t.match(held, [{ id: RETIRING, unit_id: 'soc-eb-norr', valid_until: '2025-06-09' }], 'held up to the day before the retirement')
  const explained = await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${(await personByNumber(app, org, '1001')).id}/attributes/${RETIRING}/explain`, headers: adminHeaders })
  t.match(explained.json(), { holds: true, text: /retires the attribute on 2025-06-10/ })

  const fk = await agency(app, 'fk-retire', { release: { domains: ['socialtjanst'] } })
  await approveRelyingParty(app, org, fk.clientId)
  const ask = async (day: string) => { clock.at(day); return requestToken(app, await fk.bearer(), { type: 'personal-identity-number', value: PIN, organisation: org }) }
  const live = await ask('2025-06-09')
  t.equal(live.statusCode, 200, live.body)
  t.equal((await ask('2025-06-10')).statusCode, 404, 'refused on the retirement day, though no job has run')
  t.match((await personByNumber(app, org, '1001')).attributes, [{ id: RETIRING }], 'still stored until the day job')

  const { payload } = await verifyAttributeToken(app, live.json().attribute_token, fk.clientId)
  const ref = (payload['status'] as { status_list: { idx: number, uri: string } }).status_list
  const bit = async (): Promise<number> => {
    const res = await app.inject({ method: 'GET', url: new URL(ref.uri).pathname, headers: { accept: 'application/statuslist+jwt' } })
    return statusAt(decodeStatusList((decodeJwt(res.body)['status_list'] as { lst: string }).lst), ref.idx)
  }
  t.equal(await bit(), 0)
  clock.at('2025-06-10')
  const run = await app.behorig.dayRuns.run(org)
  t.match(run, { day: '2025-06-10', revoked: 2 }, 'the day job took it away from 1001 and 1002 (at soc-eb-syd)')
  t.same((await personByNumber(app, org, '1001')).attributes, [], 'no longer held')
  t.equal(await bit(), 1, 'and the live token is revoked')
})
