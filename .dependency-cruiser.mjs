// The layers of src/, lowest first: a module may import its own layer and the ones listed
// before it, never one listed after it. docs/architecture.md says what each layer holds.
// Type-only imports count too: a type from a higher layer ties the lower one to it as surely.
// Modules in one layer may import each other (sources and directory do: sources checks an ldap
// source's config with directory's parser, directory implements sources' connector); no
// import may close a circle.
const LAYERS = [
  ['log', 'events', 'identifiers', 'crypto', 'net', 'saml', 'metrics'], // primitives that import nothing of ours
  ['store'], // the database: connection, migrations, table types, tenant scope
  ['config'], // the environment, checked once at start-up
  ['http', 'jobs'], // HTTP primitives (problems, schemas, limits) and the job queue
  ['auth', 'openapi', 'problems', 'health'], // who is calling; app-wide plugins that know no capability
  ['audit', 'outbox'], // appending to the audit log and to the change outbox, which capabilities do
  ['organisations'], // the tenants every capability is scoped by
  ['catalog', 'units'], // attribute catalogs; organisational units
  ['sources', 'directory'], // what sources yield, HR readers, the LDAP connector (peers, see above)
  ['sync'], // staging and applying source runs
  ['mapping'], // rules from facts to effective attributes
  ['people'], // people with their facts and attributes, for reading
  ['keys'], // signing keys: storage, rotation, JWKS
  ['relying-parties'], // registered agencies and their release policies
  ['identity-providers'], // trusted issuers of subject tokens
  ['federation'], // OpenID Federation: behorig's entity configuration, trust chains to federated relying parties
  ['tokens'], // attribute tokens and status lists
  ['oauth'], // the token endpoint and its grants
  ['scim', 'api-keys', 'audit-trail', 'relying-party-approvals', 'assignments'], // SCIM provisioning, API keys, the audit trail, organisations' approvals of relying parties, assignments: APIs over the capabilities below
  ['composition'] // the composition root
]

// The composition root: builds the services and the app, serves, works, seeds, runs commands.
const COMPOSITION = '^src/(?:(?:app|server|worker|cluster|services|token-services|composition|job-handlers)[.]ts$|demo/|cli/)'

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
      name: 'only-repositories-write-sql',
      comment: 'Only repositories write SQL: move the statement into a repository.ts or *-repository.ts of its capability (src/store/ is the store itself). The Kysely and Transaction types may be imported anywhere, with `import type`',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/|(?:^|/|-)repository[.]ts$' },
      to: { path: '^node_modules/kysely/', dependencyTypesNot: ['type-only'] }
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
    tsConfig: { fileName: 'tsconfig.json' }
  }
}
