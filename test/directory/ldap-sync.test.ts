/**
 * An ldap source end to end against the real slapd and PostgreSQL: the HR snapshot makes
 * the people, a run reads the municipal directory through the API and the job queue, and
 * each person ends up with the groups of their correlated account.
 */
import t from 'tap'
import { buildTestApp, openTestStore } from '../helpers/app.js'
import { requireLdap, withLdapAdmin } from '../helpers/services.js'
import { dnKey } from '../../src/directory/directory-records.js'
import { expectedGroups, groupsOf, hrRows, person, replaceLdapSource, ldapSourceConfig, setUpMunicipality, syncAndWait, replace } from './helpers/ldap-sync.js'
import { Attribute, Change } from 'ldapts'
import { allowLoopbackFetch } from '../helpers/outbound.js'

const ldap = requireLdap()
const store = await openTestStore()
const testApp = await buildTestApp(store, allowLoopbackFetch)
const { app } = testApp

t.test('a full run pages through the directory and gives each correlated person their nested groups, with the path', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { config: { page_size: 5 } })
  const g = directory.groups
  const run = await syncAndWait(app, org)
  t.match(run, { state: 'succeeded', mode: 'full', trigger: 'pull', attempts: 1, counts: { read: 23, created: 23, updated: 0, ended: 0, quarantined: 0 } }, 'all 23 accounts, five pages of at most five')

  t.same(await groupsOf(app, org, '100234'), expectedGroups(
    [g.ebNorr, []],
    [g.handlaggareEb, []],
    [g.ebHandlaggare, [g.ebNorr]],
    [g.alla, [g.ebNorr, g.ebHandlaggare]]
  ), 'Anna: two direct groups, and two more through SOC-EB-Norr, three levels up')
  t.same((await person(app, org, '100234')).groups.map((m) => m.source), ['ad', 'ad', 'ad', 'ad'])
  t.same(await groupsOf(app, org, '400101'), expectedGroups(
    [g.cykelB, []],
    [g.alla, []],
    [g.cykelA, [g.cykelB]]
  ), 'Mikael: the cycle Cykel-A ⊃ Cykel-B ⊃ Cykel-A ends; a member DN spelled with other case and spaces still counts')
  t.same(await groupsOf(app, org, '300104'), expectedGroups([g.hemtjanst, []], [g.alla, [g.hemtjanst]]), 'Åke: groupOfUniqueNames, member with the optional UID')
  t.same(await groupsOf(app, org, '100303'), expectedGroups([g.ebNorr, []], [g.ebHandlaggare, [g.ebNorr]], [g.alla, [g.ebNorr, g.ebHandlaggare]]), 'Per, whose cn has an escaped comma')
  t.same(await groupsOf(app, org, '200101'), {}, 'Ingrid is in no group')
})

t.test('two groups with the same cn in different branches stay apart: membership is by DN', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  const g = directory.groups
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const anna = await groupsOf(app, org, '100234')
  const karin = await groupsOf(app, org, '100501')
  t.ok(dnKey(g.handlaggareEb) in anna, 'Anna is in Handläggare under Ekonomiskt bistånd')
  t.notOk(dnKey(g.handlaggareBou) in anna, '… and not in the Handläggare under Barn och unga')
  t.same(karin, expectedGroups([g.handlaggareBou, []]), 'Karin is only in the Handläggare under Barn och unga')
})

t.test('a disabled account grants no groups and is not listed as unmatched; enabled again, it does', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  const g = directory.groups
  const run = await syncAndWait(app, org)
  t.equal(run.state, 'succeeded')
  t.same(await groupsOf(app, org, '100404'), {}, 'Örjan is in SOC-EB-Syd, but his account is disabled')
  t.notOk(run.unmatched.some((u: { dn: string }) => u.dn === dnKey(directory.users['orjan'] as string)))
  t.same(await groupsOf(app, org, '100401'), expectedGroups([g.ebSyd, []], [g.handlaggareEb, []], [g.ebHandlaggare, [g.ebSyd]], [g.alla, [g.ebSyd, g.ebHandlaggare]]), 'Märta, in the same group, has it')

  await withLdapAdmin(ldap, (c) => c.modify(directory.users['orjan'] as string, new Change({ operation: 'delete', modification: new Attribute({ type: 'employeeType' }) })))
  const next = await syncAndWait(app, org)
  t.match(next, { state: 'succeeded', mode: 'incremental', counts: { created: 0, ended: 0 } })
  t.ok(next.counts.updated >= 1, 'the enabled account is read as changed')
  t.same(await groupsOf(app, org, '100404'), expectedGroups([g.ebSyd, []], [g.ebHandlaggare, [g.ebSyd]], [g.alla, [g.ebSyd, g.ebHandlaggare]]))
})

t.test('accounts link by employee number, else by an e-mail exactly one person has; the rest are listed with a reason', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, {
    hr: (d) => hrRows(d, {
      // HR knows Lena under another number; her e-mail (in other case) links her.
      lena: { employee_number: 'V-400103', email: 'Lena.Holm@Exempel.se' },
      // Two people in HR share Sara's e-mail, and none has her employee number.
      sara: null
    }, [
      { employee_number: 'D-1', email: 'sara.johansson@exempel.se', unit_id: 'soc' },
      { employee_number: 'D-2', email: 'sara.johansson@exempel.se', unit_id: 'soc' }
    ])
  })
  const g = directory.groups
  // Put Lena and Sara in a group, so which person they link to shows in people's groups.
  await withLdapAdmin(ldap, async (c) => {
    await c.modify(g.handlaggareBou, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [directory.users['lena'] as string, directory.users['sara'] as string] }) }))
  })
  const run = await syncAndWait(app, org)
  t.match(run, { state: 'succeeded', counts: { read: 23, unmatched: 2 } })
  t.same(run.unmatched, [
    { unique_id: run.unmatched[0].unique_id, dn: dnKey(directory.users['nils'] as string), employee_number: null, email: 'nils.berg@konsultbolaget.se', reason: 'no-match' },
    { unique_id: run.unmatched[1].unique_id, dn: dnKey(directory.users['sara'] as string), employee_number: '200103', email: 'sara.johansson@exempel.se', reason: 'ambiguous-email' }
  ].sort((a, b) => a.dn < b.dn ? -1 : 1), 'the consultant matches no one; Sara\'s e-mail matches two people, who are not merged')
  t.same(await groupsOf(app, org, 'V-400103'), expectedGroups([g.handlaggareBou, []]), 'Lena linked by e-mail')
  t.same(await groupsOf(app, org, 'D-1'), {}, 'an ambiguous e-mail links no one')
  t.same(await groupsOf(app, org, 'D-2'), {})
  t.same(Object.keys(await groupsOf(app, org, '100501')), [dnKey(g.handlaggareBou)], 'Karin linked by employee number')

  // A source that does not match on e-mail does not call an e-mail ambiguous.
  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { correlation: { match_on: ['employee_number'] } }))
  const byNumber = await syncAndWait(app, org)
  t.equal(byNumber.unmatched.find((u: { dn: string }) => u.dn === dnKey(directory.users['sara'] as string))?.reason, 'no-match')
})

t.test('correlation.match_on decides which rule links an account, and a change to it relinks at the next run', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, {
    // Anna's employee number belongs to one HR person, her directory e-mail to another.
    hr: (d) => hrRows(d, { anna: { email: 'anna.s@annan-kommun.se' } }, [{ employee_number: 'E-77', email: 'anna.svensson@exempel.se', unit_id: 'soc' }])
  })
  const g = directory.groups
  const annasGroups = expectedGroups([g.ebNorr, []], [g.handlaggareEb, []], [g.ebHandlaggare, [g.ebNorr]], [g.alla, [g.ebNorr, g.ebHandlaggare]])
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  t.same(await groupsOf(app, org, '100234'), annasGroups, 'by default the employee number comes first')
  t.same(await groupsOf(app, org, 'E-77'), {})

  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { correlation: { match_on: ['email'] } }))
  const relinked = await syncAndWait(app, org)
  t.match(relinked, { state: 'succeeded', mode: 'full', counts: { created: 0, updated: 0, unchanged: 23 } }, 'the directory did not change, but the rules did: a full run')
  t.same(await groupsOf(app, org, 'E-77'), annasGroups, 'with match_on [email] the e-mail links')
  t.same(await groupsOf(app, org, '100234'), {})
  t.same(Object.keys(await groupsOf(app, org, '100501')), [dnKey(g.handlaggareBou)], 'Karin\'s e-mail is hers in HR too')

  await replaceLdapSource(app, org, ldapSourceConfig(ldap, directory, { correlation: { match_on: ['employee_number'] } }))
  await withLdapAdmin(ldap, (c) => c.modify(directory.users['anna'] as string, replace('employeeNumber', ['999999'])))
  const byNumberOnly = await syncAndWait(app, org)
  t.equal(byNumberOnly.state, 'succeeded')
  t.same(await groupsOf(app, org, 'E-77'), {}, 'with match_on [employee_number] the e-mail is not tried')
  t.same(byNumberOnly.unmatched.map((u: { dn: string, reason: string }) => [u.dn, u.reason]), [
    [dnKey(directory.users['anna'] as string), 'no-match'],
    [dnKey(directory.users['nils'] as string), 'no-match']
  ])
})

t.test('correlation.match_on hsa_id links an account by the HSA-id its configured attribute holds', async (t) => {
  const hsaId = 'SE2120001124-AS1'
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, {
    // Neither Anna's employee number nor her e-mail is the HR person's: only the HSA-id links them.
    hr: (d) => hrRows(d, { anna: { employee_number: 'E-88', email: 'anna.s@annan-kommun.se', hsa_id: hsaId } }),
    // departmentNumber stands in for hsaIdentity, which the test directory's schema lacks.
    config: { attributes: { disabled: 'employeeType', hsa_id: 'departmentNumber' }, correlation: { match_on: ['hsa_id', 'employee_number'] } }
  })
  const g = directory.groups
  await withLdapAdmin(ldap, (c) => c.modify(directory.users['anna'] as string, replace('departmentNumber', [hsaId])))
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  t.same(await groupsOf(app, org, 'E-88'), expectedGroups([g.ebNorr, []], [g.handlaggareEb, []], [g.ebHandlaggare, [g.ebNorr]], [g.alla, [g.ebNorr, g.ebHandlaggare]]))
  t.same(Object.keys(await groupsOf(app, org, '100501')), [dnKey(g.handlaggareBou)], 'the next rule, employee_number, links the others')
})

t.test('attributes.username stores each account\'s user name; a changed one reaches the account at the next incremental run', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap, { config: { attributes: { disabled: 'employeeType', username: 'uid' } } })
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const anna = (await person(app, org, '100234')).id
  const usernameOf = async (personId: string) => (await store.db.selectFrom('directory_accounts').select('username')
    .where('organisation', '=', org).where('person_id', '=', personId).executeTakeFirstOrThrow()).username
  t.equal(await usernameOf(anna), 'anna.svensson', 'the uid of her entry')
  t.equal(await usernameOf((await person(app, org, '100501')).id), 'karin.nilsson')

  await withLdapAdmin(ldap, (c) => c.modify(directory.users['anna'] as string, replace('uid', ['Anna.Svensson@exempelkommun.se'])))
  t.match(await syncAndWait(app, org), { state: 'succeeded', mode: 'incremental', counts: { updated: 1 } })
  t.equal(await usernameOf(anna), 'Anna.Svensson@exempelkommun.se', 'as the directory spells it')
})

t.test('without attributes.username no user name is stored', async (t) => {
  const { org } = await setUpMunicipality(t, testApp, ldap)
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  const names = await store.db.selectFrom('directory_accounts').select('username').where('organisation', '=', org).execute()
  t.equal(names.length, 23)
  t.ok(names.every((a) => a.username === null))
})

t.test('a member added to a group reaches the person, through the nesting, at the next incremental run; removed, is gone', async (t) => {
  const { org, directory } = await setUpMunicipality(t, testApp, ldap)
  const g = directory.groups
  t.equal((await syncAndWait(app, org)).state, 'succeeded')
  t.same(await groupsOf(app, org, '200101'), {}, 'Ingrid is in no group yet')
  const member = (operation: 'add' | 'delete') => new Change({ operation, modification: new Attribute({ type: 'member', values: [directory.users['ingrid'] as string] }) })

  await withLdapAdmin(ldap, (c) => c.modify(g.ebNorr, member('add')))
  t.match(await syncAndWait(app, org), { state: 'succeeded', mode: 'incremental', counts: { ended: 0 } })
  t.same(await groupsOf(app, org, '200101'), expectedGroups([g.ebNorr, []], [g.ebHandlaggare, [g.ebNorr]], [g.alla, [g.ebNorr, g.ebHandlaggare]]))

  await withLdapAdmin(ldap, (c) => c.modify(g.ebNorr, member('delete')))
  t.match(await syncAndWait(app, org), { state: 'succeeded', mode: 'incremental' })
  t.same(await groupsOf(app, org, '200101'), {})
  t.equal(Object.keys(await groupsOf(app, org, '100234')).length, 4, 'the group\'s other members keep it')
})
