/**
 * Loaded by tap into every test process (package.json `tap.node-arg`): Node runs the
 * TypeScript itself (type stripping; `--experimental-transform-types` for the few
 * constructor parameter properties), which is several times faster per process than
 * compiling through ts-node and keeps coverage on the exact source lines. Our imports name
 * the compiled `.js` file, as tsc's NodeNext resolution wants; this hook falls back to the
 * `.ts` beside it when no `.js` exists.
 */
import * as nodeModule from 'node:module'

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
