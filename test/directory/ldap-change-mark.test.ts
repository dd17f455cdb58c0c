import t from 'tap'
import { randomUUID } from 'node:crypto'
import { Attribute, Change, Client } from 'ldapts'
import { requireLdap } from '../helpers/services.js'
import { fixtureConfig, fixtureDocument, loadMunicipalDirectory } from './helpers/municipal-directory.js'
import { ChangeMark, ldapConnector, type LdapSourceState } from '../../src/directory/ldap-connector.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { loopbackGuard } from '../helpers/outbound.js'
import type { LdapSourceConfig } from '../../src/directory/ldap-source-config.js'
import { dnKey } from '../../src/directory/directory-records.js'
import type { SourceConfig } from '../../src/sources/source-config.js'
import type { ReadPlan, SourceConnector } from '../../src/sources/source-connector.js'

const readWithLoopback = (config: LdapSourceConfig): ReturnType<typeof ldapReader> => ldapReader(config, loopbackGuard)
const ldap = requireLdap()
const directory = await loadMunicipalDirectory(t, ldap)

const source: SourceConfig = { id: 'ad', kind: 'ldap', schedule: null, safety: { max_end_percent: 100 }, config: fixtureDocument(ldap, directory, { page_size: 5 }) }
const connector = (state: LdapSourceState, now?: () => number): SourceConnector => ldapConnector(source, state, readWithLoopback, now) as SourceConnector

interface Read { accounts: string[], state: LdapSourceState }

/** Runs a read to its end; `midway` runs after the first page of accounts. */
async function run (c: SourceConnector, plan: ReadPlan, midway?: (readSoFar: string[]) => Promise<void>): Promise<Read> {
  const { items, nextState } = c.read(plan)
  const accounts: string[] = []
  for await (const item of items) {
    if (item.type !== 'account') continue
    accounts.push((item.record as { dn: string }).dn)
    if (accounts.length === 5 && midway) await midway([...accounts])
  }
  return { accounts, state: (nextState?.() ?? {}) as LdapSourceState }
}

/** Changes an entry until its modifyTimestamp (whole seconds) is later than `after`; its new mark. */
async function touch (dn: string, after = ''): Promise<string> {
  const client = new Client({ url: ldap.url, timeout: 10000 })
  try {
    await client.bind(ldap.bindDN, ldap.bindPassword)
    for (let round = 0; round < 40; round++) {
      await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: [randomUUID()] }) }))
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['modifyTimestamp'] })
      const s = String(searchEntries[0]?.modifyTimestamp)
      const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}.000Z`
      if (iso > after) return iso
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    throw new Error(`modifyTimestamp of ${dn} did not move past ${after}`)
  } finally {
    await client.unbind()
  }
}

const dnOf = (key: string): string => Object.values(directory.users).find((dn) => dnKey(dn) === key) as string

t.test('an entry changed after the run passed it is read by the next incremental run', async (t) => {
  const order = (await run(connector({}), { mode: 'full' })).accounts
  const passed = order[0] as string
  const ahead = order.at(-1) as string
  const stamps: string[] = []
  // While the run is on its second page: the first entry changes (already read), then, a
  // second later, the last one (still to come, so the run sees its newer mark).
  const full = await run(connector({}), { mode: 'full' }, async (readSoFar) => {
    t.ok(readSoFar.includes(passed) && !readSoFar.includes(ahead), 'one entry already read, the other still to come')
    stamps.push(await touch(dnOf(passed)))
    stamps.push(await touch(dnOf(ahead), stamps[0]))
  })
  const [passedAt, aheadAt] = stamps as [string, string]
  t.ok(passedAt < aheadAt, 'the entry read later carries the later mark')
  t.ok(full.state.change_mark !== undefined && full.state.change_mark <= passedAt, 'the mark left is no later than the run\'s start, less the skew')

  const next = await run(connector(full.state), { mode: 'incremental', since: full.state.change_mark as string })
  t.ok(next.accounts.includes(passed), 'the next incremental run reads the entry changed behind the first')
  t.ok(next.accounts.includes(ahead), 'and the one it saw')
})

t.test('the mark is the latest seen, or the run\'s start less the skew, whichever is earlier', async (t) => {
  const longAgo = Date.parse('2020-06-01T12:00:00Z')
  const early = await run(connector({}, () => longAgo), { mode: 'full' })
  t.equal(early.state.change_mark, new Date(longAgo - 300_000).toISOString(), 'entries newer than the run\'s start less the default skew (five minutes) do not move the mark past it')

  // A directory clock more than the skew behind behorig's is the limit of this: modelled by a
  // behorig clock far ahead, the mark is the newest entry, as it was before.
  const ahead = await run(connector({}, () => Date.now() + 24 * 3600_000), { mode: 'full' })
  const latest = ahead.state.change_mark as string
  t.match(latest, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/)
  t.ok(latest <= new Date().toISOString() && latest > '2020-06-01', 'the newest modifyTimestamp read')
})

t.test('Active Directory: the mark is compared and capped as a number, by highestCommittedUSN', async (t) => {
  const mark = new ChangeMark('active-directory', undefined)
  for (const usn of ['900', '1000', null, '95']) mark.see(usn)
  t.equal(mark.value, '1000', 'as numbers: 1000 is later than 900 and 95')
  t.equal(mark.atMost('950'), '950', 'a ceiling below the largest seen wins (an entry changed after the run began)')
  t.equal(mark.atMost('5000'), '1000')
  t.equal(mark.atMost(undefined), '1000', 'no ceiling published: the largest seen')
  t.equal(new ChangeMark('active-directory', 'abc').value, undefined, 'a stored mark that is no number is dropped: the next run is full')
  t.equal(new ChangeMark('ldap', '2026-01-01T00:00:00.000Z').atMost('2025-12-31T23:55:00.000Z'), '2025-12-31T23:55:00.000Z')
})

t.test('a directory without highestCommittedUSN (OpenLDAP) read as Active Directory: no ceiling, and the run still reads', async (t) => {
  const adLike = { ...fixtureDocument(ldap, directory), attributes: { disabled: 'userAccountControl' }, disabled_attribute: { values: ['disabled'] } }
  t.equal(await ldapReader(fixtureConfig(ldap, directory, adLike), loopbackGuard).highestCommittedUsn(), undefined, 'the root DSE was asked, and has none')
  const ad = ldapConnector({ ...source, config: adLike }, { change_mark: 'not-a-number', config_digest: 'x' }, readWithLoopback) as SourceConnector
  t.same(ad.plan?.(), { mode: 'full' }, 'a stored mark that is no uSN means a full run')
  const read = await run(ad, { mode: 'full' })
  t.equal(read.accounts.length, Object.keys(directory.users).length)
  t.equal(read.state.change_mark, undefined, 'these entries carry no uSNChanged: no mark, so the next run is full too')
})

t.test('clock_skew_seconds sets how far before the run\'s start the mark may go', async (t) => {
  const at = Date.parse('2020-06-01T12:00:00Z')
  const tight = ldapConnector({ ...source, config: { ...source.config, clock_skew_seconds: 0 } }, {}, readWithLoopback, () => at) as SourceConnector
  t.equal((await run(tight, { mode: 'full' })).state.change_mark, '2020-06-01T12:00:00.000Z')
  const wide = ldapConnector({ ...source, config: { ...source.config, clock_skew_seconds: 3600 } }, {}, readWithLoopback, () => at) as SourceConnector
  t.equal((await run(wide, { mode: 'full' })).state.change_mark, '2020-06-01T11:00:00.000Z')
})
