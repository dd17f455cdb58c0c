/**
 * Title patterns that make V8's backtracking engine run for minutes on a long title are
 * evaluated in linear time by preview, publish and the recompute after a sync, so they
 * cannot stall the process. The tests assert what matched: a stalled evaluation never
 * gets that far.
 */
import t, { type Test } from 'tap'
import { adminHeaders } from '../helpers/app.js'
import { heldBy, importJobs, mappingTestApp, mappingYaml, personByNumber, recomputes, submit } from './helpers/mapping-app.js'

const { app, createOrganisation } = await mappingTestApp()
const LONG_TITLE = 'a'.repeat(249) + '!'
const recompute = recomputes(app)

async function previewAndPublish (t: Test, org: string, rules: string) {
  const created = await submit(app, org, mappingYaml(rules))
  t.equal(created.statusCode, 201, created.body)
  const version = created.json().version as number
  const preview = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/${version}/preview`, headers: adminHeaders })
  t.equal(preview.statusCode, 200, preview.body)
  const published = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/mappings/${version}/publish`, headers: adminHeaders })
  t.equal(published.statusCode, 200, published.body)
  return preview.json() as { rule_matches: Record<string, number>, attributes: Record<string, { gained: string[] }> }
}

t.test('a pattern the old guard let through (.*.*.*.*.*x) answers at once on a 250-character title', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [
    { employee_number: '1', unit_id: 'soc-eb', title: LONG_TITLE },
    { employee_number: '2', unit_id: 'soc-eb', title: 'Socialsekreterare x' }
  ])
  const preview = await previewAndPublish(t, org, `  - id: x
    when: { titles: [".*.*.*.*.*x"] }
    grant: [socialtjanst.eb.handlaggare]
`)
  t.same(preview.rule_matches, { x: 1 })
  t.same(preview.attributes['socialtjanst.eb.handlaggare']?.gained, [(await personByNumber(app, org, '2')).id])
  t.same(await heldBy(app, org, '1'), [])
  t.same(await heldBy(app, org, '2'), ['socialtjanst.eb.handlaggare@soc-eb'])

  // A sync gives person 2 the long title too: the recompute after it runs the pattern again.
  const run = await importJobs(app, org, [
    { employee_number: '1', unit_id: 'soc-eb', title: LONG_TITLE },
    { employee_number: '2', unit_id: 'soc-eb', title: 'x' + LONG_TITLE }
  ], false)
  await recompute.after(run.id)
  t.same(await heldBy(app, org, '2'), ['socialtjanst.eb.handlaggare@soc-eb'], 'an x anywhere still matches')
})

t.test('nested and repeated quantifiers are accepted and match as written', async (t) => {
  const org = await createOrganisation()
  await importJobs(app, org, [
    { employee_number: '1', unit_id: 'soc-eb', title: LONG_TITLE },
    { employee_number: '2', unit_id: 'soc-eb', title: 'a'.repeat(250) }
  ])
  const preview = await previewAndPublish(t, org, `  - id: bang
    when: { titles: ["^(a|aa)+!$"] }
    grant: [socialtjanst.eb.handlaggare]
  - id: words
    when: { titles: ["(.*)*x", "^(\\\\w+\\\\s?)*$"] }
    grant: [socialtjanst.bu.handlaggare]
`)
  t.same(preview.rule_matches, { bang: 1, words: 1 })
  t.same(await heldBy(app, org, '1'), ['socialtjanst.eb.handlaggare@soc-eb'])
  t.same(await heldBy(app, org, '2'), ['socialtjanst.bu.handlaggare@soc-eb'])
})
