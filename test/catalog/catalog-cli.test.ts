import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { runCatalogCli, USAGE } from '../../src/catalog/catalog-commands.js'
import { REPO_ROOT, realCatalogText } from './helpers/catalog-test-data.js'

const BROKEN = 'test/fixtures/catalog/broken/demo/1.0.0.yaml'
const PROPOSAL = 'test/fixtures/catalog/socialtjanst/1.1.0.yaml'

async function run (...argv: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCatalogCli(argv, { stdout: { write: (s) => { stdout += s } }, stderr: { write: (s) => { stderr += s } }, cwd: REPO_ROOT })
  return { code, stdout, stderr }
}

t.test('validate passes the real catalogs and says what it checked', async (t) => {
  t.same(await run('validate'), {
    code: 0,
    stdout: 'ok  representation 1.0.0  attribute-catalog/representation/1.0.0.yaml (3 attributes)\n' +
      'ok  skola 0.1.0  attribute-catalog/skola/0.1.0.yaml (7 attributes)\n' +
      'ok  skola 0.2.0  attribute-catalog/skola/0.2.0.yaml (25 attributes)\n' +
      'ok  socialtjanst 1.0.0  attribute-catalog/socialtjanst/1.0.0.yaml (31 attributes)\n' +
      'ok  socialtjanst 1.1.0  attribute-catalog/socialtjanst/1.1.0.yaml (34 attributes)\n' +
      '5 catalog files valid.\n',
    stderr: ''
  })
})

t.test('validate checks a proposed file against the versions before it', async (t) => {
  // The fixture is another 1.1.0: checked in place of the catalog's own, against 1.0.0.
  t.same(await run('validate', PROPOSAL), { code: 0, stdout: `ok  socialtjanst 1.1.0  ${PROPOSAL} (33 attributes)\n1 catalog file valid.\n`, stderr: '' })
  t.same(await run('validate', 'attribute-catalog/socialtjanst/1.1.0.yaml'), { code: 0, stdout: 'ok  socialtjanst 1.1.0  attribute-catalog/socialtjanst/1.1.0.yaml (34 attributes)\n1 catalog file valid.\n', stderr: '' })
})

t.test('a proposal whose replacement is in another domain is checked against that domain\'s files', async (t) => {
  // Alone, without representation/: the replacement of socialtjanst.statsbidrag.ombud cannot be found.
  const dir = t.testdir({ socialtjanst: { '1.0.0.yaml': realCatalogText(), '1.1.0.yaml': realCatalogText('socialtjanst', '1.1.0') } })
  const alone = await run('validate', '--dir', dir)
  t.equal(alone.code, 1)
  t.match(alone.stderr, /1\.1\.0\.yaml \/attributes\/\d+\/replaced_by: Attribute socialtjanst\.statsbidrag\.ombud is replaced by representation\.statsbidrag\.ombud-socialstyrelsen, which belongs to the domain representation, and no catalog of representation is loaded; validate its file together with this one\.\n1 problem in 1 file\.\n$/)
  // Named together with the domain's file, both are checked, each against the versions before it.
  const both = await run('validate', '--dir', dir, 'attribute-catalog/representation/1.0.0.yaml', join(dir, 'socialtjanst', '1.1.0.yaml'))
  t.equal(both.code, 0, both.stderr)
  t.match(both.stdout, /ok {2}representation 1\.0\.0 .*\nok {2}socialtjanst 1\.1\.0 .*\n2 catalog files valid\.\n$/)
})

t.test('validate prints each violation as "file pointer: message" and exits 1', async (t) => {
  t.same(await run('validate', BROKEN), {
    code: 1,
    stdout: '',
    stderr: `${BROKEN} /attributes/1/id: The id demo.eb.handlaggare is used by attributes 1 and 2; every attribute needs its own id.\n` +
      `${BROKEN} /attributes/1/area: Attribute demo.eb.handlaggare uses the area "ekb", which is not in this catalog's areas (eb).\n` +
      `${BROKEN} /attributes/0/replaced_by: Attribute demo.eb.handlaggare is replaced by demo.eb.utredare, which is not in version 1.0.0; add it or name an attribute that is.\n` +
      '3 problems in 1 file.\n'
  })
  const missing = await run('validate', 'nowhere/demo/1.0.0.yaml')
  t.same([missing.code, missing.stderr], [1, 'nowhere/demo/1.0.0.yaml: This file does not exist.\n1 problem in 1 file.\n'])
})

t.test('validate --dir checks another catalog folder, versions against each other', async (t) => {
  const dir = t.testdir({ socialtjanst: { '1.0.0.yaml': realCatalogText(), '1.0.1.yaml': realCatalogText().replace('version: 1.0.0', 'version: 1.0.1').replace(/\n {2}- id: socialtjanst\.eb\.administrator\n[\s\S]*?\n\n/, '\n') } })
  const result = await run('validate', '--dir', dir)
  t.equal(result.code, 1)
  t.match(result.stderr, /1\.0\.1\.yaml \/attributes: Attribute socialtjanst\.eb\.administrator was removed\. That needs a new major version, but 1\.0\.1 is only a patch step from 1\.0\.0\.\n1 problem in 1 file\.\n$/)
})

t.test('diff prints what a proposal changes and the step it needs', async (t) => {
  t.same(await run('diff', 'socialtjanst', '1.0.0', PROPOSAL), {
    code: 0,
    stderr: '',
    stdout: [
      'socialtjanst 1.0.0 → 1.1.0',
      'added (2):',
      '  + socialtjanst.eb.utbetalningsadministrator',
      '  + socialtjanst.vnr.arbetsledare',
      'deprecated (1):',
      '  ~ socialtjanst.eb.administrator → socialtjanst.eb.utbetalningsadministrator',
      'removed (0)',
      'changed (1):',
      '  * socialtjanst.eb.handlaggare: definition',
      'code lists (1):',
      '  added functions/utbetalningsadministrator',
      'changes that need a minor step; 1.0.0 → 1.1.0 is a minor step.',
      ''
    ].join('\n')
  })
})

t.test('diff --json prints the diff as data', async (t) => {
  const result = await run('diff', 'socialtjanst', '1.0.0', PROPOSAL, '--json')
  t.equal(result.code, 0)
  t.match(JSON.parse(result.stdout), { domain: 'socialtjanst', from: '1.0.0', to: '1.1.0', removed: [], required_bump: 'minor', deprecated: [{ id: 'socialtjanst.eb.administrator' }] })
})

t.test('diff explains unknown versions and wrong arguments', async (t) => {
  t.match(await run('diff', 'socialtjanst', '1.0.0', '0.9.0'), { code: 1, stderr: /The catalog socialtjanst has no version 0\.9\.0; it has 1\.0\.0, 1\.1\.0\./ })
  t.match(await run('diff', 'halsa', '1.0.0', '1.1.0'), { code: 1, stderr: /There is no catalog for the domain halsa\./ })
  t.match(await run('diff', 'skola', '0.1.0', PROPOSAL), { code: 1, stderr: /This catalog is for the domain socialtjanst, not skola\./ })
  t.match(await run('diff', 'socialtjanst', '1.0.0'), { code: 2, stderr: /diff needs a domain and two versions/ })
})

t.test('list shows domains, latest versions and attribute counts', async (t) => {
  t.same(await run('list'), {
    code: 0,
    stderr: '',
    stdout: 'domain          latest  attributes  versions\n' +
      'representation  1.0.0   3           1.0.0\n' +
      'skola           0.2.0   25          0.1.0, 0.2.0\n' +
      'socialtjanst    1.1.0   34          1.0.0, 1.1.0\n'
  })
  t.match(JSON.parse((await run('list', '--json')).stdout), [{ domain: 'representation' }, { domain: 'skola', versions: ['0.1.0', '0.2.0'] }, { domain: 'socialtjanst', latest: '1.1.0', attributes: 34 }])
  t.match(await run('list', '--dir', join(REPO_ROOT, 'test/fixtures/catalog/broken')), { code: 1, stdout: '', stderr: /3 problems in 1 file\.\n$/ })
})

t.test('schema prints the checked-in JSON Schema', async (t) => {
  t.same(await run('schema'), { code: 0, stderr: '', stdout: readFileSync(join(REPO_ROOT, 'schemas/attribute-catalog.schema.json'), 'utf8') })
})

t.test('usage: help exits 0, unknown commands and options exit 2', async (t) => {
  t.same(await run('--help'), { code: 0, stdout: USAGE, stderr: '' })
  t.same(await run(), { code: 2, stdout: '', stderr: `No command given.\n\n${USAGE}` })
  t.match(await run('publish'), { code: 2, stderr: /^Unknown command "publish"\./ })
  t.match(await run('list', '--verbose'), { code: 2, stderr: /Unknown option '--verbose'/ })
})

t.test('the executable sets the exit code', async (t) => {
  const cli = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/catalog-cli.ts', 'validate', BROKEN], { cwd: REPO_ROOT })
  const failure = await cli.then(() => undefined, (error: unknown) => error)
  t.match(failure, { code: 1, stderr: /3 problems in 1 file\./ })
})

t.test('a command named like a property every object inherits is an unknown command', async (t) => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    const result = await run(name)
    t.equal(result.code, 2, name)
    t.match(result.stderr, `Unknown command "${name}".`)
  }
})
