import t from 'tap'
import { databaseBefore } from '../helpers/migration-runner.js'

t.test('migration 0017 turns each organisation\'s v1 identity provider into its org-<orgnr> shortcut, and keeps what the v1 route answered', async (t) => {
  const { client, migrateRest, rest } = await databaseBefore(t, '0017')

  // As 0016 left them: two organisations with an OIDC IdP of their own (inline keys and a
  // jwks_uri, one with the deprecated audiences), a third with none.
  await client.query(`insert into organisations (number, name, kind) values
    ('2120001124', 'Exempelkommun', 'municipality'), ('2129999997', 'Grannkommun', 'municipality'), ('2120000142', 'Tredje kommun', 'municipality')`)
  const inline = { issuer: 'https://idp.exempelkommun.se', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] }, subject: { type: 'employee-number', claim: 'employee_number' } }
  const remote = { issuer: 'https://login.grannkommun.se', jwks_uri: 'https://login.grannkommun.se/jwks', subject: { type: 'email', claim: 'upn' }, audiences: ['e-tjanst'] }
  await client.query('insert into identity_providers (organisation, issuer, document, created_at) values ($1, $2, $3, $4), ($5, $6, $7, $8)',
    ['2120001124', inline.issuer, inline, '2026-03-02T13:00:00Z', '2129999997', remote.issuer, remote, '2026-04-01T08:00:00Z'])

  t.same(await migrateRest(), rest)
  const { rows } = await client.query('select id, kind, entity, organisations, document, metadata, shortcut_of, shortcut_document, created_at from platform_identity_providers order by id')
  t.same(rows, [
    {
      id: 'org-2120001124',
      kind: 'oidc',
      entity: inline.issuer,
      organisations: ['2120001124'],
      document: { kind: 'oidc', organisations: ['2120001124'], oidc: { issuer: inline.issuer, jwks: inline.jwks }, subject: { match: ['employee-number'], claims: { 'employee-number': 'employee_number' } } },
      metadata: null,
      shortcut_of: '2120001124',
      shortcut_document: inline,
      created_at: new Date('2026-03-02T13:00:00Z')
    },
    {
      id: 'org-2129999997',
      kind: 'oidc',
      entity: remote.issuer,
      organisations: ['2129999997'],
      document: { kind: 'oidc', organisations: ['2129999997'], oidc: { issuer: remote.issuer, jwks_uri: remote.jwks_uri }, subject: { match: ['email'], claims: { email: 'upn' } } },
      metadata: null,
      shortcut_of: '2129999997',
      shortcut_document: remote,
      created_at: new Date('2026-04-01T08:00:00Z')
    }
  ], 'one shortcut per v1 registration, with its subject claim as the claim override of its type')
  const { rows: tables } = await client.query('select to_regclass($1) as old', ['identity_providers'])
  t.equal(tables[0].old, null, 'the v1 table is gone')
})
