import t from 'tap'
import { GroupResolver, describeMembership } from '../../src/directory/group-resolver.js'
import { dnKey, type DirectoryGroup } from '../../src/directory/directory-records.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { loopbackGuard } from '../helpers/outbound.js'
import { requireLdap } from '../helpers/services.js'
import { fixtureConfig, loadMunicipalDirectory } from './helpers/municipal-directory.js'

const ANNA = 'cn=Anna Svensson,ou=norr,dc=x'
const KARIN = 'cn=Karin Nilsson,ou=bou,dc=x'

function groupOf (dn: string, members: string[], nested: string[] = []): DirectoryGroup {
  return { dn, cn: /^cn=([^,]+)/.exec(dn)?.[1] ?? dn, members: members.map(dnKey), nested_groups: nested.map(dnKey) }
}

function resolver (...groups: DirectoryGroup[]): GroupResolver {
  const r = new GroupResolver()
  for (const g of groups) r.add(g)
  return r
}

t.test('a direct member has the group with an empty path', async (t) => {
  const r = resolver(groupOf('cn=SOC-EB-Norr,dc=x', [ANNA]))
  t.same(r.groupsOf(ANNA), [{ dn: 'cn=SOC-EB-Norr,dc=x', via: [] }])
  t.same(r.groupsOf(KARIN), [], 'someone in no group has none')
})

t.test('nested groups are followed upwards with the path from the direct group', async (t) => {
  const r = resolver(
    groupOf('cn=Alla,dc=x', [], ['cn=SOC-EB-Handlaggare,dc=x']),
    groupOf('cn=SOC-EB-Handlaggare,dc=x', [], ['cn=SOC-EB-Norr,dc=x']),
    groupOf('cn=SOC-EB-Norr,dc=x', [ANNA])
  )
  t.same(r.groupsOf(ANNA), [
    { dn: 'cn=SOC-EB-Norr,dc=x', via: [] },
    { dn: 'cn=SOC-EB-Handlaggare,dc=x', via: ['cn=SOC-EB-Norr,dc=x'] },
    { dn: 'cn=Alla,dc=x', via: ['cn=SOC-EB-Norr,dc=x', 'cn=SOC-EB-Handlaggare,dc=x'] }
  ])
  t.equal(describeMembership(r.groupsOf(ANNA)[1] as never), 'cn=SOC-EB-Handlaggare,dc=x via cn=SOC-EB-Norr,dc=x')
})

t.test('cycles end: each group is reached once, none contains itself', async (t) => {
  const r = resolver(
    groupOf('cn=G1,dc=x', [ANNA], ['cn=G2,dc=x']),
    groupOf('cn=G2,dc=x', [KARIN], ['cn=G1,dc=x'])
  )
  t.same(r.groupsOf(ANNA), [{ dn: 'cn=G1,dc=x', via: [] }, { dn: 'cn=G2,dc=x', via: ['cn=G1,dc=x'] }])
  t.same(r.groupsOf(KARIN), [{ dn: 'cn=G2,dc=x', via: [] }, { dn: 'cn=G1,dc=x', via: ['cn=G2,dc=x'] }])
  const triangle = resolver(groupOf('cn=A,dc=x', [], ['cn=C,dc=x']), groupOf('cn=B,dc=x', [], ['cn=A,dc=x']), groupOf('cn=C,dc=x', [ANNA], ['cn=B,dc=x']))
  t.same(triangle.groupsOf(ANNA).map((g) => g.dn), ['cn=C,dc=x', 'cn=A,dc=x', 'cn=B,dc=x'])
})

t.test('where several paths lead to a group the shortest is kept, and direct membership beats nesting', async (t) => {
  const r = resolver(
    groupOf('cn=Top,dc=x', [], ['cn=Mid,dc=x', 'cn=Low,dc=x']),
    groupOf('cn=Mid,dc=x', [ANNA], ['cn=Low,dc=x']),
    groupOf('cn=Low,dc=x', [ANNA])
  )
  t.same(r.groupsOf(ANNA), [
    { dn: 'cn=Low,dc=x', via: [] },
    { dn: 'cn=Mid,dc=x', via: [] },
    { dn: 'cn=Top,dc=x', via: ['cn=Low,dc=x'] }
  ])
})

t.test('groups with the same cn in different branches are different groups', async (t) => {
  const r = resolver(
    groupOf('cn=Handläggare,ou=Ekonomiskt bistånd,dc=x', [ANNA]),
    groupOf('cn=Handläggare,ou=Barn och unga,dc=x', [KARIN]),
    groupOf('cn=EB,dc=x', [], ['cn=Handläggare,ou=Ekonomiskt bistånd,dc=x'])
  )
  t.same(r.groupsOf(ANNA).map((g) => g.dn), ['cn=Handläggare,ou=Ekonomiskt bistånd,dc=x', 'cn=EB,dc=x'])
  t.same(r.groupsOf(KARIN).map((g) => g.dn), ['cn=Handläggare,ou=Barn och unga,dc=x'])
})

t.test('accounts are looked up by DN whatever its spelling', async (t) => {
  const r = resolver(groupOf('cn=G,dc=x', ['CN=Anna Svensson, OU=Norr, DC=x']))
  t.same(r.groupsOf(ANNA).map((g) => g.dn), ['cn=G,dc=x'])
  t.same(r.groupsOf('cn=Anna Svensson\\2C,ou=norr,dc=x'), [], 'a different DN is not a match')
})

t.test('memberships() lists every account with its groups', async (t) => {
  const r = resolver(groupOf('cn=P,dc=x', [], ['cn=C,dc=x']), groupOf('cn=C,dc=x', [ANNA, KARIN]))
  t.same(new Map(r.memberships()), new Map([
    [dnKey(ANNA), [{ dn: 'cn=C,dc=x', via: [] }, { dn: 'cn=P,dc=x', via: ['cn=C,dc=x'] }]],
    [dnKey(KARIN), [{ dn: 'cn=C,dc=x', via: [] }, { dn: 'cn=P,dc=x', via: ['cn=C,dc=x'] }]]
  ]))
})

t.test('resolves the municipal directory read from OpenLDAP', async (t) => {
  const ldap = requireLdap()
  const directory = await loadMunicipalDirectory(t, ldap)
  const r = new GroupResolver()
  for await (const group of ldapReader(fixtureConfig(ldap, directory, { page_size: 4 }), loopbackGuard).readGroups()) r.add(group)
  const g = directory.groups
  const keysOf = (user: string): Array<[string, string[]]> =>
    r.groupsOf(directory.users[user] as string).map((m) => [dnKey(m.dn), (m.via ?? []).map(dnKey)])
  t.same(keysOf('anna'), [
    [dnKey(g.handlaggareEb), []],
    [dnKey(g.ebNorr), []],
    [dnKey(g.ebHandlaggare), [dnKey(g.ebNorr)]],
    [dnKey(g.alla), [dnKey(g.ebNorr), dnKey(g.ebHandlaggare)]]
  ].sort((a, b) => (a[1] as string[]).length - (b[1] as string[]).length || (a[0] as string).localeCompare(b[0] as string)))
  t.same(keysOf('karin'), [[dnKey(g.handlaggareBou), []]], 'the other Handläggare only')
  t.same(keysOf('erik'), [[dnKey(g.cykelA), []], [dnKey(g.cykelB), [dnKey(g.cykelA)]]], 'the cycle ends')
  t.same(keysOf('ake'), [[dnKey(g.hemtjanst), []], [dnKey(g.alla), [dnKey(g.hemtjanst)]]], 'through a groupOfUniqueNames')
  t.same(keysOf('nils'), [])
})
