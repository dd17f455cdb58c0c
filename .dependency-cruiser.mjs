// The layers of src/, lowest first: a module may import its own layer and the ones listed
// before it, never one listed after it. docs/architecture.md says what each layer holds.
// Type-only imports count too: a type from a higher layer ties the lower one to it as surely.
const LAYERS = [
  ['log', 'identifiers', 'crypto', 'net'],
  ['store'],
  ['config'],
  ['http', 'jobs'],
  ['auth', 'openapi', 'problems', 'health'],
  ['audit'],
  ['organisations'],
  ['catalog', 'units'],
  ['sources', 'directory'],
  ['sync'],
  ['mapping'],
  ['people'],
  ['keys'],
  ['relying-parties'],
  ['identity-providers'],
  ['tokens'],
  ['oauth'],
  ['scim', 'api-keys', 'audit-trail'],
  ['composition']
]

// The composition root: builds the services and the app, serves, works, seeds, runs commands.
const COMPOSITION = '^src/(?:(?:app|server|worker|services|token-services|composition|job-handlers)[.]ts$|demo/|cli/)'

const pathOf = (layer) => layer.map((name) => name === 'composition' ? COMPOSITION : `^src/${name}/`).join('|')

const upwardRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-from-${layer.join('+')}`,
  comment: `${layer.join(', ')} must not import a higher layer: move the shared thing down, or pass it in from the composition root`,
  severity: 'error',
  from: { path: pathOf(layer) },
  to: { path: LAYERS.slice(index + 1).map(pathOf).join('|') }
}))

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...upwardRules,
    {
      name: 'no-circular',
      comment: 'An import circle: the modules cannot be understood, tested or moved apart',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'in-a-layer',
      comment: 'Every module under src/ belongs to a layer: add its folder to LAYERS in .dependency-cruiser.mjs',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(pathOf).join('|') },
      to: {}
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] }
  }
}
