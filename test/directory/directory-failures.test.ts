import t, { type Test } from 'tap'
import { ProblemError } from '../../src/http/problem.js'
import { ldapReader } from '../../src/directory/ldap-reader.js'
import { loopbackGuard } from '../helpers/outbound.js'
import type { DirectoryAccount } from '../../src/directory/directory-records.js'
import { requireLdap } from '../helpers/services.js'
import { fixtureConfig, loadMunicipalDirectory } from './helpers/municipal-directory.js'
import { closedPort, cuttingRelay, silentServer } from './helpers/tcp-stand-ins.js'

const ldap = requireLdap()
const directory = await loadMunicipalDirectory(t, ldap)

/** Reads all accounts; returns what was yielded before the failure, and the failure. */
async function readUntilFailure (config: ReturnType<typeof fixtureConfig>): Promise<{ yielded: DirectoryAccount[], error: unknown }> {
  const yielded: DirectoryAccount[] = []
  try {
    for await (const account of ldapReader(config, loopbackGuard).readAccounts()) yielded.push(account)
  } catch (error) {
    return { yielded, error }
  }
  return { yielded, error: undefined }
}

function problemOf (t: Test, error: unknown, slug: string): ProblemError {
  t.ok(error instanceof ProblemError, `a problem, not ${String(error)}`)
  const problem = error as ProblemError
  t.equal(problem.definition.slug, slug)
  return problem
}

t.test('a closed port fails with directory-unavailable naming host and port, before anything is read', async (t) => {
  const port = await closedPort()
  const { yielded, error } = await readUntilFailure(fixtureConfig(ldap, directory, { url: `ldap://127.0.0.1:${port}` }))
  const problem = problemOf(t, error, 'directory-unavailable')
  t.equal(problem.status, 502)
  t.equal(problem.detail, `The directory at 127.0.0.1:${port} is unavailable: connection refused`)
  t.same(yielded, [])
})

t.test('a host name that does not resolve fails with directory-unavailable', async (t) => {
  const { error } = await readUntilFailure(fixtureConfig(ldap, directory, { url: 'ldaps://directory.invalid:389' }))
  t.match(problemOf(t, error, 'directory-unavailable').detail, /directory\.invalid:389 is unavailable: host name (not found|lookup failed)/)
})

t.test('a server that never answers fails with directory-unavailable after timeout_seconds', async (t) => {
  const silent = await silentServer()
  t.teardown(silent.close)
  const { error } = await readUntilFailure(fixtureConfig(ldap, directory, { url: silent.url, timeout_seconds: 1 }))
  t.match(problemOf(t, error, 'directory-unavailable').detail, /is unavailable: no answer to the bind within 1 s$/)
})

t.test('a wrong password fails with directory-bind-refused naming the DN and never the password', async (t) => {
  const password = 'Hemligt-lösen-4711'
  const { yielded, error } = await readUntilFailure(fixtureConfig(ldap, directory, { bind_password: password }))
  const problem = problemOf(t, error, 'directory-bind-refused')
  t.equal(problem.status, 422, 'a 4xx: the sync engine does not retry it into an account lockout')
  t.match(problem.detail, `refused the bind as "${ldap.bindDN}": invalid credentials`)
  const everything = [problem.message, problem.detail, JSON.stringify(problem.extensions ?? {}), String(problem.cause), (problem.cause as Error).stack].join('\n')
  t.notOk(everything.includes(password), 'the password is nowhere in the problem or its cause')
  t.same(yielded, [])
})

t.test('a bind DN without a password is refused before connecting, not sent as an anonymous bind', async (t) => {
  const config = fixtureConfig(ldap, directory)
  delete config.bind_password
  const { error } = await readUntilFailure(config)
  t.match(problemOf(t, error, 'directory-bind-refused').detail, `No password is set for the bind DN "${ldap.bindDN}"`)
})

t.test('a base DN that does not exist fails with directory-search-refused', async (t) => {
  const missing = `ou=finns-inte,${directory.baseDn}`
  const { error } = await readUntilFailure(fixtureConfig(ldap, directory, { user_base_dn: missing }))
  const problem = problemOf(t, error, 'directory-search-refused')
  t.equal(problem.status, 422)
  t.match(problem.detail, `refused the search under ${missing}: the base DN does not exist`)
})

t.test('an attribute configured as unique id that entries lack fails the read', async (t) => {
  const { error } = await readUntilFailure(fixtureConfig(ldap, directory, { attributes: { unique_id: 'carLicense', disabled: 'employeeType' } }))
  t.match(problemOf(t, error, 'directory-search-refused').detail, /has no carLicense \(the attribute configured as attributes\.unique_id\)/)
})

t.test('a connection lost in the middle fails the read after the pages already yielded', async (t) => {
  const target = new URL(ldap.url)
  // Request 1 is the bind, 2 the first page, 3 the second page: cut there.
  const relay = await cuttingRelay({ host: target.hostname, port: Number(target.port) }, 3)
  t.teardown(relay.close)
  const { yielded, error } = await readUntilFailure(fixtureConfig(ldap, directory, { url: relay.url, page_size: 5 }))
  t.equal(yielded.length, 5, 'the first page came through')
  t.match(problemOf(t, error, 'directory-unavailable').detail, /is unavailable: connection closed during the search$/)
})

t.test('an abort stops the read with the abort reason', async (t) => {
  const controller = new AbortController()
  const reader = ldapReader(fixtureConfig(ldap, directory, { page_size: 2 }), loopbackGuard)
  let seen = 0
  const reading = (async () => {
    for await (const _account of reader.readAccounts({ signal: controller.signal })) {
      if (++seen === 3) controller.abort(new Error('run cancelled'))
    }
  })()
  await t.rejects(reading, { message: 'run cancelled' })
  t.equal(seen, 4, 'the page in hand is finished, the next one is not asked for')
})
