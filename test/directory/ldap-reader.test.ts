import t from 'tap'
import { Change, Attribute, Client } from 'ldapts'
import { requireLdap } from '../helpers/services.js'
import { fixtureConfig, loadMunicipalDirectory, USER_KEYS } from './helpers/municipal-directory.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { loopbackGuard } from '../helpers/outbound.js'
import { dnKey, type DirectoryAccount, type DirectoryGroup } from '../../src/directory/directory-records.js'

const ldap = requireLdap()
const directory = await loadMunicipalDirectory(t, ldap)

async function collect<T> (items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const item of items) all.push(item)
  return all
}

const byKey = (accounts: DirectoryAccount[], key: string): DirectoryAccount | undefined =>
  accounts.find((a) => dnKey(a.dn) === dnKey(directory.users[key] as string))

t.test('reads every account page by page when there are more accounts than one page holds', async (t) => {
  const pages: number[] = []
  const accounts = await collect(ldapReader(fixtureConfig(ldap, directory, { page_size: 5 }), loopbackGuard).readAccounts({ onPage: (n) => pages.push(n) }))
  t.equal(accounts.length, USER_KEYS.length)
  t.same(pages, [5, 5, 5, 5, 3], 'five pages of at most five')
  t.same(new Set(accounts.map((a) => dnKey(a.dn))), new Set(Object.values(directory.users).map(dnKey)))
  t.equal(new Set(accounts.map((a) => a.unique_id)).size, USER_KEYS.length, 'every account has its own entryUUID')
})

t.test('maps the configured attributes, keeping å, ä and ö', async (t) => {
  const accounts = await collect(ldapReader(fixtureConfig(ldap, directory), loopbackGuard).readAccounts())
  const asa = byKey(accounts, 'asa')
  t.match(asa, {
    employee_number: '100301',
    email: 'asa.oberg@exempel.se',
    display_name: 'Åsa Öberg',
    given_name: 'Åsa',
    family_name: 'Öberg',
    disabled: false,
    unique_id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
  })
  t.match(asa?.modified_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/)
  t.equal(asa?.change_mark, asa?.modified_at, 'on OpenLDAP the change mark is modifyTimestamp')
  t.equal(byKey(accounts, 'per')?.display_name, 'Per Lindqvist', 'a DN with an escaped comma is read')
  t.equal(byKey(accounts, 'nils')?.employee_number, null, 'the consultant has no employee number')
})

t.test('flags the disabled account, and only it', async (t) => {
  const accounts = await collect(ldapReader(fixtureConfig(ldap, directory), loopbackGuard).readAccounts())
  t.same(accounts.filter((a) => a.disabled).map((a) => a.employee_number), ['100404'])
  const ignoring = await collect(ldapReader(fixtureConfig(ldap, directory, { attributes: {}, disabled_attribute: undefined }), loopbackGuard).readAccounts())
  t.equal(ignoring.filter((a) => a.disabled).length, 0, 'without attributes.disabled no account is disabled')
})

t.test('an iteration stopped early closes its connection and a new one reads again', async (t) => {
  const reader = ldapReader(fixtureConfig(ldap, directory, { page_size: 2 }), loopbackGuard)
  let seen = 0
  for await (const _account of reader.readAccounts()) if (++seen === 3) break
  t.equal(seen, 3)
  t.equal((await collect(reader.readAccounts())).length, USER_KEYS.length)
})

t.test('reads groups with members by DN, telling nested groups from accounts', async (t) => {
  const groups = await collect(ldapReader(fixtureConfig(ldap, directory, { page_size: 3 }), loopbackGuard).readGroups())
  const find = (dn: string): DirectoryGroup | undefined => groups.find((g) => dnKey(g.dn) === dnKey(dn))
  t.equal(groups.length, 9)
  t.same(find(directory.groups.ebHandlaggare)?.nested_groups.sort(), [dnKey(directory.groups.ebNorr), dnKey(directory.groups.ebSyd)].sort())
  t.same(find(directory.groups.ebHandlaggare)?.members, [])
  t.same(find(directory.groups.ebNorr)?.members.sort(), ['anna', 'asa', 'bjorn', 'per'].map((k) => dnKey(directory.users[k] as string)).sort())
  const alla = find(directory.groups.alla)
  t.same(alla?.nested_groups.sort(), [dnKey(directory.groups.ebHandlaggare), dnKey(directory.groups.hemtjanst)].sort(), 'member DNs in other case still name the groups')
  t.same(alla?.members, [dnKey(directory.users['mikael'] as string)])
  t.same(find(directory.groups.hemtjanst)?.members.sort(), ['fatima', 'lars', 'emma', 'ake'].map((k) => dnKey(directory.users[k] as string)).sort(), 'groupOfUniqueNames, with the optional UID dropped')
})

t.test('two groups with the same cn in different branches stay two groups', async (t) => {
  const groups = await collect(ldapReader(fixtureConfig(ldap, directory), loopbackGuard).readGroups())
  const handlaggare = groups.filter((g) => g.cn === 'Handläggare')
  t.equal(handlaggare.length, 2)
  const members = Object.fromEntries(handlaggare.map((g) => [dnKey(g.dn), g.members.sort()]))
  t.same(members, {
    [dnKey(directory.groups.handlaggareEb)]: ['anna', 'marta'].map((k) => dnKey(directory.users[k] as string)).sort(),
    [dnKey(directory.groups.handlaggareBou)]: ['karin', 'mohammed'].map((k) => dnKey(directory.users[k] as string)).sort()
  })
})

t.test('a source without group_base_dn reads no groups', async (t) => {
  const config = fixtureConfig(ldap, directory)
  delete config.group_base_dn
  t.same(await collect(ldapReader(config, loopbackGuard).readGroups()), [])
})

t.test('an incremental read returns only the entries changed since the mark', async (t) => {
  const reader = ldapReader(fixtureConfig(ldap, directory), loopbackGuard)
  const before = await collect(reader.readAccounts())
  const latest = before.map((a) => a.change_mark as string).sort().at(-1) as string
  // Directory timestamps have whole seconds: change Karin in a later second than any entry so far.
  const changed = await modifyUntilLater(directory.users['karin'] as string, latest)
  const since = await collect(reader.readAccounts({ since: changed }))
  t.same(since.map((a) => a.email), ['karin.nilsson@vaxjo-exempel.se'])
  t.equal(since[0]?.change_mark, changed)
  const sameSecond = before.filter((a) => a.change_mark === latest && a.email !== 'karin.nilsson@exempel.se').map((a) => a.email)
  t.same((await collect(reader.readAccounts({ since: latest }))).map((a) => a.email).sort(), [...sameSecond, 'karin.nilsson@vaxjo-exempel.se'].sort(), 'the mark\'s own second is read again (>=)')
  t.equal((await collect(reader.readAccounts({ since: '2001-01-01T00:00:00Z' }))).length, USER_KEYS.length, 'an early mark reads everything')
  t.equal((await collect(reader.readAccounts({ since: '20010101000000Z' }))).length, USER_KEYS.length, 'GeneralizedTime is accepted as a mark')
})

t.test('a mark that is not a time is refused before any filter is built', async (t) => {
  const reader = ldapReader(fixtureConfig(ldap, directory), loopbackGuard)
  await t.rejects(collect(reader.readAccounts({ since: '*)(uid=*' })), RangeError)
  await t.rejects(collect(reader.readAccounts({ since: '2024-05-01 10:00' })), RangeError, 'no time zone')
})

/** Changes Karin's mail until her modifyTimestamp is later than `after`; returns her new mark. */
async function modifyUntilLater (dn: string, after: string): Promise<string> {
  const client = new Client({ url: ldap.url, timeout: 10000 })
  try {
    await client.bind(ldap.bindDN, ldap.bindPassword)
    for (let round = 0; round < 40; round++) {
      const mail = round % 2 === 0 ? 'karin.nilsson@vaxjo-exempel.se' : 'karin.nilsson@exempel.se'
      await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: [mail] }) }))
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['modifyTimestamp'] })
      const stamp = String(searchEntries[0]?.modifyTimestamp)
      const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}.000Z`
      if (iso > after && mail.includes('vaxjo')) return iso
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    throw new Error(`modifyTimestamp of ${dn} did not move past ${after}`)
  } finally {
    await client.unbind()
  }
}
