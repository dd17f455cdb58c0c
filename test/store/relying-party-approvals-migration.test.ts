import t from 'tap'
import { databaseBefore } from '../helpers/migration-runner.js'

t.test('migration 0020 approves every relying party for the organisations its policy names, so no agency is cut off', async (t) => {
  const { client, migrateRest, rest } = await databaseBefore(t, '0020')
  const [a, b, c] = ['2120000142', '2129999997', '2120001234']
  for (const number of [a, b, c]) await client.query("insert into organisations (number, name, kind) values ($1, 'Kommun', 'municipality')", [number])
  const document = (organisations: unknown) => ({ name: 'Byrå', organisation: '2021005521', jwks_uri: 'https://x.example/jwks', release: { attributes: ['socialtjanst.eb.handlaggare'], domains: [], organisations, subject: 'pairwise' }, token_lifetime: 300, disabled: false, claims_profile: 'behorig' })
  await client.query('insert into relying_parties (client_id, document) values ($1, $2), ($3, $4), ($5, $6)', [
    'everyone', document('all'),
    'two', document(['212000-0142', b, '2129999989']),
    'disabled-too', { ...document([c]), disabled: true }
  ])

  t.same(await migrateRest(), rest)
  const { rows } = await client.query<{ organisation: string, client_id: string, attributes: unknown, purposes: unknown, valid_until: string | null, agreement: string, actor: unknown }>(
    'select organisation, client_id, attributes, purposes, valid_until, agreement, actor from relying_party_approvals order by client_id, organisation')
  const agreement = 'Granted by migration 0020: released before approvals existed; review'
  const approval = (clientId: string, organisation: string) => ({ organisation, client_id: clientId, attributes: 'all-released', purposes: [], valid_until: null, agreement, actor: { kind: 'system', component: 'migration-0020' } })
  t.same(rows, [
    approval('disabled-too', c),
    approval('everyone', a), approval('everyone', c), approval('everyone', b),
    approval('two', a), approval('two', b)
  ].sort((x, y) => x.client_id.localeCompare(y.client_id) || x.organisation.localeCompare(y.organisation)), 'each pair the policy names among organisations that exist, hyphenated numbers too; a number no organisation has is skipped')

  await client.query("insert into organisations (number, name, kind) values ('2120002222', 'Ny kommun', 'municipality')")
  const { rows: [later] } = await client.query<{ n: number }>("select count(*)::int as n from relying_party_approvals where organisation = '2120002222'")
  t.equal(later?.n, 0, 'an organisation created after the migration approves explicitly')
  const { rows: [column] } = await client.query<{ n: number }>("select count(*)::int as n from information_schema.columns where table_name = 'attribute_tokens' and column_name = 'purpose'")
  t.equal(column?.n, 1, 'tokens record their purpose')
})
