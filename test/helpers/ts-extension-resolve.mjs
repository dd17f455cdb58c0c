/**
 * Loaded by tap into every test process (package.json `tap.node-arg`): Node runs the
 * TypeScript itself (type stripping only: tsconfig's erasableSyntaxOnly keeps out what would
 * need a transform), which is several times faster per process than
 * compiling through ts-node and keeps coverage on the exact source lines. Our imports name
 * the compiled `.js` file, as tsc's NodeNext resolution wants; this hook falls back to the
 * `.ts` beside it when no `.js` exists.
 */
import * as nodeModule from 'node:module'

// tap records coverage in this process (its own --import ran before this one), and would in
// every child too. Children run their TypeScript another way (tsx, npm scripts): their
// offsets, merged under the same file names, garble the report. Coverage comes from the
// test processes only.
process.env['_TAPJS_PROCESSINFO_COVERAGE_'] = '0'

if (typeof nodeModule.registerHooks !== 'function') throw new Error(`the tests need Node.js 22.15 or later (this is ${process.version})`)

nodeModule.registerHooks({
  resolve (specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (err) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../')
      if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !relative || !specifier.endsWith('.js') || !context.parentURL?.endsWith('.ts')) throw err
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  }
})
