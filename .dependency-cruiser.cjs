/**
 * The architecture's rules, checked by `npm test` (`npm run lint:deps`). docs/architecture.md says
 * what each layer is and which rule guards what.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

/** The core: what `confidential-client` itself is made of. Runs on any fetch runtime. */
const CORE =
  '^src/(index|confidential-client|hooks|logger|observer|scope)[.]ts$|^src/(dpop|errors|http|options|token|util)/';
/** Entry points besides the core, each a folder with an index.ts. */
const ENTRIES = '^src/(testing|dev-server|mobilefirst|redis|opentelemetry|cli)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles: each module can be read, tested and moved on its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-runs-anywhere',
      severity: 'error',
      comment:
        'The core never imports node: modules: it runs on Node, Bun, Deno and edge runtimes with a global fetch.',
      from: { path: CORE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-not-to-entries',
      severity: 'error',
      comment:
        'Product code never imports the emulator, a test kit or another entry point: they build on the core, not the other way round.',
      from: { path: CORE },
      to: { path: '^src/(emulator|testing|dev-server|mobilefirst|redis|opentelemetry|cli)/' },
    },
    {
      name: 'opentelemetry-stays-optional',
      severity: 'error',
      comment:
        '@opentelemetry/api is an optional peer: only confidential-client/opentelemetry imports it, so the core and the other entries never load it (no cost when it is absent).',
      from: { pathNot: '^src/opentelemetry/' },
      to: { path: 'node_modules/@opentelemetry/' },
    },
    {
      name: 'token-not-to-http',
      severity: 'error',
      comment:
        'Getting tokens knows nothing of how they are used: src/token never imports src/http.',
      from: { path: '^src/token/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'entries-stand-apart',
      severity: 'error',
      comment:
        "Entry points never import each other's folders. One may use another only as any user would: through its public specifier (confidential-client/dev-server), which resolves to that entry's index.",
      from: { path: ENTRIES },
      to: {
        path: ENTRIES,
        pathNot: '^src/$1/',
        dependencyTypesNot: ['aliased-tsconfig'],
      },
    },
    {
      name: 'public-specifiers-reach-indexes-only',
      severity: 'error',
      comment: 'A public specifier names an entry point, never a module inside one.',
      from: { path: ENTRIES },
      to: {
        dependencyTypes: ['aliased-tsconfig'],
        pathNot: '^src/(index[.]ts|[a-z-]+/index[.]ts)$',
      },
    },
    {
      name: 'cli-uses-public-entries-only',
      severity: 'error',
      comment:
        'The CLI is a user of the package: it imports the core and the other entries by their public specifiers, never their internals; only the stateless helpers of src/util/ are shared as modules.',
      from: { path: '^src/cli/' },
      to: {
        path: '^src/',
        pathNot: '^src/(cli|util)/',
        dependencyTypesNot: ['aliased-tsconfig'],
      },
    },
    {
      name: 'products-on-the-public-core',
      severity: 'error',
      comment:
        "Product entry points (mobilefirst, redis, opentelemetry) build on the core's public API, imported as users do (confidential-client); only the stateless helpers of src/util/ are shared as modules.",
      from: { path: '^src/(mobilefirst|redis|opentelemetry)/' },
      to: { path: CORE, pathNot: '^src/util/', dependencyTypesNot: ['aliased-tsconfig'] },
    },
    {
      name: 'products-not-to-emulator',
      severity: 'error',
      comment:
        'Product entry points (mobilefirst, redis, opentelemetry) never import the emulator.',
      from: { path: '^src/(mobilefirst|redis|opentelemetry)/' },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'emulator-is-transport-free',
      severity: 'error',
      comment:
        'The emulator core is a function from a request to a response: no node: modules, no adapters (MSW and node:http adapt it, not the other way round).',
      from: { path: '^src/emulator/' },
      to: {
        path: '^src/(testing|dev-server|mobilefirst|redis|opentelemetry|cli)/|^src/(index|confidential-client)[.]ts$',
      },
    },
    {
      name: 'emulator-no-node',
      severity: 'error',
      comment: 'The emulator core runs wherever MSW does: no node: modules.',
      from: { path: '^src/emulator/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-dev-dependencies-in-src',
      severity: 'error',
      comment:
        'Shipped code imports runtime dependencies only (msw is the optional peer of confidential-client/testing, @opentelemetry/api that of confidential-client/opentelemetry).',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: 'node_modules/(msw|@opentelemetry/api)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves to a file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
