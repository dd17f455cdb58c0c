import t from 'tap'
import { isHsaId } from '../../src/identifiers/hsa-id.js'

t.test('an HSA-id is SE, ten digits, a hyphen and letters or digits, at most 31 characters', async (t) => {
  for (const good of ['SE2321000016-1234', 'SE2120001124-ABC12', 'SE2120001124-a', 'SE2120001124-' + 'A'.repeat(18)]) t.ok(isHsaId(good), good)
  for (const bad of ['', 'SE2120001124', 'SE2120001124-', 'se2120001124-ABC12', 'SE212000112-ABC12', 'SE21200011245-ABC12', 'SE2120001124-AB C', 'SE2120001124-ÅÄÖ', 'SE2120001124-AB-12', 'SE2120001124-' + 'A'.repeat(19), ' SE2120001124-ABC12']) {
    t.notOk(isHsaId(bad), bad)
  }
})
