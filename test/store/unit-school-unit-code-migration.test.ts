import t from 'tap'
import { databaseBefore } from '../helpers/migration-runner.js'

t.test('migration 0018 gives units and staged units a skolenhetskod column, null for the units already there', async (t) => {
  const { client, migrateRest, rest } = await databaseBefore(t, '0018')

  // As 0017 left them: an hr source's run that staged a unit, and the unit it applied.
  await client.query('insert into organisations (number, name, kind) values ($1, $2, $3)', ['2120001124', 'Exempelkommun', 'municipality'])
  await client.query("insert into sources (organisation, id, kind, safety, config) values ('2120001124', 'hr', 'hr', '{}', '{}')")
  await client.query("insert into sync_runs (id, organisation, source, trigger, state) values ('run_1', '2120001124', 'hr', 'import', 'succeeded')")
  await client.query("insert into staged_units (run_id, unit_id, name, hsa_id) values ('run_1', 'bun-ek', 'Ekbackens skola', 'SE2120001124-EK')")
  await client.query("insert into units (organisation, id, name, hsa_id, source, last_run) values ('2120001124', 'bun-ek', 'Ekbackens skola', 'SE2120001124-EK', 'hr', 'run_1')")

  t.same(await migrateRest(), rest)
  t.same((await client.query('select id, hsa_id, school_unit_code from units')).rows, [{ id: 'bun-ek', hsa_id: 'SE2120001124-EK', school_unit_code: null }])
  t.same((await client.query('select unit_id, school_unit_code from staged_units')).rows, [{ unit_id: 'bun-ek', school_unit_code: null }])
})
