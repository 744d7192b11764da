// Size budgets (`npm run size`, after `npm run build`): minified and gzipped (`gzip: true`), as a bundler would
// ship them. `ignore` leaves a package out of a figure: the core's own code is measured without
// its dependencies and with them; each sub-entry without the core (it imports the core through
// 'confidential-client', the same copy the application loads) and without its optional peer.
// Entries that use node: modules are bundled for Node (`platform: 'node'`: built-ins stay out).

// esbuild notes that it drops tsup's bare chunk imports (`import '../chunk-….js'`, kept for
// evaluation order) under "sideEffects": false: those chunks hold only declarations, so the
// figures are right and the note is noise.
const quiet = (config) => ({
  ...config,
  logOverride: { ...config.logOverride, 'ignored-bare-import': 'silent' },
});
const node = (config) => ({ ...quiet(config), platform: 'node' });
const coreDeps = ['ky', 'p-retry', 'jwt-decode', 'jose'];
const self = ['confidential-client', 'confidential-client/dev-server'];

export default [
  {
    name: 'confidential-client: own code (ky, p-retry, jwt-decode, jose excluded)',
    path: 'dist/index.js',
    import: '*',
    ignore: coreDeps,
    modifyEsbuildConfig: quiet,
    gzip: true,
    limit: '32 kB',
  },
  {
    name: 'confidential-client: with its dependencies',
    path: 'dist/index.js',
    import: '*',
    modifyEsbuildConfig: quiet,
    gzip: true,
    limit: '46 kB',
  },
  {
    name: 'confidential-client: { ConfidentialClient } only, with its dependencies',
    path: 'dist/index.js',
    import: '{ ConfidentialClient }',
    modifyEsbuildConfig: quiet,
    gzip: true,
    limit: '46 kB',
  },
  {
    name: 'confidential-client/mobilefirst (core excluded)',
    path: 'dist/mobilefirst/index.js',
    import: '*',
    ignore: self,
    modifyEsbuildConfig: quiet,
    gzip: true,
    limit: '20 kB',
  },
  {
    name: 'confidential-client/redis (core and redis excluded)',
    path: 'dist/redis/index.js',
    import: '*',
    ignore: [...self, 'redis'],
    modifyEsbuildConfig: node,
    gzip: true,
    limit: '7.5 kB',
  },
  {
    name: 'confidential-client/opentelemetry (core and @opentelemetry/api excluded)',
    path: 'dist/opentelemetry/index.js',
    import: '*',
    ignore: [...self, '@opentelemetry/api'],
    modifyEsbuildConfig: quiet,
    gzip: true,
    limit: '3.2 kB',
  },
  {
    name: 'confidential-client/dev-server (core excluded)',
    path: 'dist/dev-server/index.js',
    import: '*',
    ignore: self,
    modifyEsbuildConfig: node,
    gzip: true,
    limit: '18 kB',
  },
  {
    name: 'confidential-client/testing (core, dev-server and msw excluded)',
    path: 'dist/testing/index.js',
    import: '*',
    ignore: [...self, 'msw'],
    modifyEsbuildConfig: node,
    gzip: true,
    limit: '12 kB',
  },
  {
    name: 'for comparison: ky alone',
    path: 'node_modules/ky/distribution/index.js',
    import: '*',
    modifyEsbuildConfig: quiet,
    gzip: true,
  },
];
