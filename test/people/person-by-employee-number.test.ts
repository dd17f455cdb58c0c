import t from 'tap'
import { problemType } from '../helpers/problem-type.js'
import { importJobs, mappingTestApp, mappingYaml, personByNumber, publishMapping } from '../mapping/helpers/mapping-app.js'

const ATTRIBUTE = 'socialtjanst.eb.handlaggare'
const { app, createOrganisation, apiKeyHeaders } = await mappingTestApp()
const org = await createOrganisation('Exempelkommun')
const neighbour = await createOrganisation('Grannkommun')
await importJobs(app, org, [{ employee_number: 'A-1001', unit_id: 'soc-eb-norr' }, { employee_number: '1002', unit_id: 'soc-bu' }])
// The neighbour employs its own 1002 (numbers are unique only within an organisation) and a 2001 the organisation has not.
await importJobs(app, neighbour, [{ employee_number: '1002', unit_id: 'soc-eb-norr' }, { employee_number: '2001', unit_id: 'soc-eb-syd' }])
await publishMapping(app, org, mappingYaml(`  - id: eb
    when: { position_codes: ["151010"], unit_within: soc-eb }
    grant: [${ATTRIBUTE}]
`))
const key = await apiKeyHeaders(org, ['people:read'])
const get = (url: string, headers: Record<string, string> = key) => app.inject({ method: 'GET', url: `/v1/organisations/${org}/people/${url}`, headers })

t.test('a person read by employee number is the person read by id', async (t) => {
  const anna = await personByNumber(app, org, 'A-1001')
  const byNumber = await get('by-employee-number/A-1001')
  t.equal(byNumber.statusCode, 200)
  t.same(byNumber.json(), (await get(anna.id)).json())
  t.match(byNumber.json(), { id: anna.id, employee_number: 'A-1001', given_name: 'Test', family_name: 'Person A-1001' })
})

t.test('explain by employee number gives the same answer as by id, held or not', async (t) => {
  for (const number of ['A-1001', '1002']) {
    const person = await personByNumber(app, org, number)
    const byNumber = await get(`by-employee-number/${number}/attributes/${ATTRIBUTE}/explain`)
    t.equal(byNumber.statusCode, 200)
    t.same(byNumber.json(), (await get(`${person.id}/attributes/${ATTRIBUTE}/explain`)).json(), number)
    t.equal(byNumber.json().holds, number === 'A-1001')
  }
})

t.test('an unknown employee number is the 404 an unknown id is', async (t) => {
  for (const url of ['by-employee-number/9999', `by-employee-number/9999/attributes/${ATTRIBUTE}/explain`]) {
    const res = await get(url)
    t.equal(res.statusCode, 404, url)
    t.match(res.json(), { type: problemType('unknown-person'), title: 'No such person', detail: 'No person with employee number 9999' }, url)
  }
})

t.test('another organisation\'s employee number finds nothing of it', async (t) => {
  const onlyThere = await get('by-employee-number/2001')
  t.equal(onlyThere.statusCode, 404)
  t.same(onlyThere.json(), { ...(await get('by-employee-number/9999')).json(), detail: 'No person with employee number 2001', instance: `/v1/organisations/${org}/people/by-employee-number/2001` }, 'the same answer as a number no one has')
  t.equal((await get(`by-employee-number/2001/attributes/${ATTRIBUTE}/explain`)).statusCode, 404)
  const shared = (await get('by-employee-number/1002')).json()
  t.equal(shared.id, (await personByNumber(app, org, '1002')).id, 'a number both have is the organisation\'s own person')
  t.not(shared.id, (await personByNumber(app, neighbour, '1002')).id)
  const foreign = await app.inject({ method: 'GET', url: `/v1/organisations/${neighbour}/people/by-employee-number/2001`, headers: key })
  t.equal(foreign.statusCode, 403, 'the neighbour\'s path is refused to this organisation\'s key')
  t.equal(foreign.json().type, problemType('foreign-organisation'))
})

t.test('reading by employee number needs people:read', async (t) => {
  const mappingsOnly = await apiKeyHeaders(org, ['mappings:read'])
  for (const url of ['by-employee-number/A-1001', `by-employee-number/A-1001/attributes/${ATTRIBUTE}/explain`]) {
    const res = await get(url, mappingsOnly)
    t.equal(res.statusCode, 403, url)
    t.equal(res.json().type, problemType('insufficient-scope'), url)
  }
})

t.test('the people list shows the employee number and name beside each id', async (t) => {
  const items = (await app.inject({ method: 'GET', url: `/v1/organisations/${org}/people?limit=10`, headers: key })).json().items as Array<Record<string, unknown>>
  t.same(items.map((p) => [p['employee_number'], p['given_name'], p['family_name']]).sort(), [['1002', 'Test', 'Person 1002'], ['A-1001', 'Test', 'Person A-1001']])
})
