import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'
import { buildTestApp, openTestStore } from '../helpers/app.js'

const KEY = { kty: 'EC', crv: 'P-256', kid: 'ta-1', x: 'br_-4qO0oJibGY8U800HtDfSwk0czQ1b5jVObDqaAAE', y: 'kkr-CiIk-FtxLIqt003EnRF5oGLNs0bQ6-DyONh7ZBo' }
const RELEASE = JSON.stringify({ domains: ['socialtjanst'] })
const problems = (env: Record<string, string>): string[] => (t.throws(() => loadConfig(env)) as ConfigError).problems

t.test('trust anchors are read from JSON or from a file, with their keys', async (t) => {
  const json = JSON.stringify({ 'https://federation.example.se': { keys: [KEY] } })
  t.same(loadConfig({ BEHORIG_FEDERATION_TRUST_ANCHORS: json, BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }).federation.trustAnchors, { 'https://federation.example.se': { keys: [KEY] } })
  const file = join(t.testdir(), 'anchors.json')
  writeFileSync(file, json)
  t.same(Object.keys(loadConfig({ BEHORIG_FEDERATION_TRUST_ANCHORS: file, BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }).federation.trustAnchors), ['https://federation.example.se'])
  const c = loadConfig({})
  t.same(c.federation.trustAnchors, {}, 'none by default')
  t.equal(c.federation.statementSeconds, 86_400)
})

t.test('a bad federation setting stops start-up, naming the variable and what is wrong', async (t) => {
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: '{"https://ta.example": ', BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }), [/BEHORIG_FEDERATION_TRUST_ANCHORS is not valid JSON/])
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: '/nonexistent/anchors.json', BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }), [/neither JSON nor a readable file \(ENOENT\)/])
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'http://ta.example': { keys: [KEY] } }), BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }), [/trust anchor "http:\/\/ta.example" is not an https URL/])
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'https://ta.example': { keys: [] } }), BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }), [/needs a JWK Set with at least one key/])
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'https://ta.example': { keys: [{ ...KEY, d: 'secret' }] } }), BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }), [/key 0 has private members/])
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'https://ta.example': { keys: [{ ...KEY, x: 'nope' }] } }), BEHORIG_FEDERATION_DEFAULT_RELEASE: RELEASE }), [/key 0 is not a usable public key/])
  t.match(problems({ BEHORIG_FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'https://ta.example': { keys: [KEY] } }) }), [/BEHORIG_FEDERATION_DEFAULT_RELEASE is required with BEHORIG_FEDERATION_TRUST_ANCHORS/])
  t.match(problems({ BEHORIG_FEDERATION_AUTHORITY_HINTS: 'https://ok.example,https://bad.example/?x=1' }), [/"https:\/\/bad.example\/\?x=1" has a query or fragment/])
})

t.test('a default release the relying-party schema refuses stops start-up', async (t) => {
  const store = await openTestStore('pglite')
  await t.rejects(buildTestApp(store, {
    BEHORIG_FEDERATION_TRUST_ANCHORS: JSON.stringify({ 'https://ta.example': { keys: [KEY] } }),
    BEHORIG_FEDERATION_DEFAULT_RELEASE: JSON.stringify({ domains: ['socialtjanst'], subject: 'everyone' })
  }), /BEHORIG_FEDERATION_DEFAULT_RELEASE is not a valid release policy: .*subject/)
})
