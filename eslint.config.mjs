// ESLint is both the linter and the format check: neostandard carries
// JavaScript Standard Style (the style the code is written in) as @stylistic
// rules, so `npx eslint --fix .` is the formatter. On top of it, the
// typescript-eslint rules that need type information catch promises that are
// dropped or handed where a callback returning nothing is expected.
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'
import tseslint from 'typescript-eslint'

export default [
  { ignores: resolveIgnoresFromGitignore() },
  ...neostandard({ ts: true }),
  {
    // `void promise` as a statement is how no-floating-promises is told that a
    // promise is left to run on its own on purpose.
    rules: { 'no-void': ['error', { allowAsStatement: true }] }
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // tsconfig.json includes src/, scripts/ and test/: the program tsc checks.
        projectService: true,
        tsconfigRootDir: import.meta.dirname
      }
    },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-floating-promises': ['error', {
        // tap queues a subtest on its parent and reports its result; the
        // promise `t.test()` returns is there for those who want to wait on it.
        allowForKnownSafePromises: [
          { from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }
        ]
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {
        // A `default:` branch is a decision about the members not listed, and
        // TypeScript narrows the value there to exactly those; a switch without
        // one must list every member.
        considerDefaultExhaustiveForUnions: true
      }],
      // A TypeBox schema and its `Static<>` type share one name (a value and a
      // type); TypeScript itself refuses real redeclarations (ts2451, ts2300).
      '@typescript-eslint/no-redeclare': 'off',
      // neostandard's options, plus the `_name` convention for a binding that
      // has to be there but is not read (`for await (const _item of ...)`).
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'none',
        caughtErrors: 'none',
        ignoreRestSiblings: true,
        vars: 'all',
        varsIgnorePattern: '^_'
      }]
    }
  },
  {
    // The .mjs/.cjs files are outside tsconfig.json: style rules only.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked
  }
]
