import t from 'tap'
import { databaseBefore } from '../helpers/migration-runner.js'

t.test('migration 0019 sets every relying party registered before it to claims_profile behorig, and leaves the rest of its document alone', async (t) => {
  const { client, migrateRest, rest } = await databaseBefore(t, '0019')

  const document = { name: 'Försäkringskassan – SSBTEK', organisation: '2021005521', jwks_uri: 'https://fk.example/jwks', release: { attributes: ['socialtjanst.eb.handlaggare'], domains: [], organisations: 'all', subject: 'pairwise' }, token_lifetime: 300, disabled: false }
  await client.query('insert into relying_parties (client_id, document) values ($1, $2), ($3, $4)', ['fk', document, 'csn', { ...document, name: 'CSN' }])

  t.same(await migrateRest(), rest)
  const { rows } = await client.query<{ client_id: string, document: Record<string, unknown> }>('select client_id, document from relying_parties order by client_id')
  t.same(rows, [
    { client_id: 'csn', document: { ...document, name: 'CSN', claims_profile: 'behorig' } },
    { client_id: 'fk', document: { ...document, claims_profile: 'behorig' } }
  ])
  const { rows: [fn] } = await client.query<{ result: string }>("select pg_get_function_result('behorig_token_subject(text, text, text, text)'::regprocedure) as result")
  t.match(fn?.result, /unit_name text, unit_hsa_id text, unit_school_unit_code text/, 'the token subject lookup returns each attribute\'s unit identifiers')
})
