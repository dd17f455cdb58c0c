import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

// Only repositories write SQL (repository.ts, *-repository.ts; src/store/ is the store
// itself). .dependency-cruiser.mjs keeps `sql` templates out, as they need kysely as a
// value; a query built on a handle passed in needs only its type, so this walks the code.
const BUILDERS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'mergeInto', 'replaceInto'])

const writesSqlFreely = (file: string): boolean => !file.startsWith('src/store/') && !/(?:^|\/|-)repository\.ts$/.test(file)

/** Where a file builds a query or writes a `sql` template, as `file:line` strings. */
function sqlIn (file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    const builds = ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && BUILDERS.has(node.expression.name.text)
    const templates = ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql'
    const sqlHelpers = ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'sql'
    if (builds || templates || sqlHelpers) found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

t.test('only repositories and the store write SQL', async (t) => {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join('src', name).replaceAll('\\', '/'))
  t.ok(files.some((file) => !writesSqlFreely(file)), 'finds the repositories')
  const outside = files.filter(writesSqlFreely).flatMap((file) => sqlIn(file, readFileSync(file, 'utf8')))
  t.same(outside, [], 'move these statements into a repository of their capability')
})

t.test('sees a query built on a handle passed in, and a sql template', async (t) => {
  t.same(sqlIn('src/x/y.ts', "const f = (db) => db.selectFrom('people').selectAll().execute()\nsql`select 1`\n"), ['src/x/y.ts:1', 'src/x/y.ts:2'])
  t.same(sqlIn('src/x/y.ts', '// db.selectFrom(\'people\') in a comment\nconst s = "sql`"\n'), [])
})
