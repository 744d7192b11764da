import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, { import: { default: string }; require: { default: string } }>;
};
const require = createRequire(import.meta.url);
const publicEntries = Object.entries(pkg.exports).filter(([name]) => name !== './package.json');
const publicApi = JSON.parse(
  readFileSync(new URL('test/fixtures/public-api.json', root), 'utf8'),
) as Record<string, string[]>;

describe('built package', () => {
  it.each(publicEntries)(
    '%s loads with require() and import, each exporting the names on record',
    async (subpath, target) => {
      const cjs = require(new URL(target.require.default, root).pathname) as Record<
        string,
        unknown
      >;
      const esm = (await import(new URL(target.import.default, root).href)) as Record<
        string,
        unknown
      >;
      // Both formats export exactly the names on record (test/fixtures/public-api.json).
      const name =
        subpath === '.' ? 'confidential-client' : `confidential-client/${subpath.slice(2)}`;
      expect(Object.keys(cjs).sort()).toEqual(publicApi[name]);
      expect(Object.keys(esm).sort()).toEqual(publicApi[name]);
    },
  );

  it('the CJS build loads in a plain node process without ESM-only dependencies', () => {
    // A child process on the current node, so nothing vitest does can help require() along.
    const out = execFileSync(
      process.execPath,
      ['-e', "const m = require('./dist/index.cjs'); console.log(typeof m.ConfidentialClient)"],
      { cwd: new URL('.', root).pathname, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function');
  });

  it('the CJS build bundles ky, p-retry and jose (ESM-only) instead of requiring them', () => {
    const source = readFileSync(new URL('dist/index.cjs', root), 'utf8');
    expect(source).not.toMatch(/require\(["'](ky|p-retry|jose)["']\)/);
  });

  it('the CJS build signs a client assertion with the bundled jose in a plain node process', () => {
    const script = `
      const { ConfidentialClient } = require('./dist/index.cjs');
      const http = require('node:http');
      const server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          const jwt = new URLSearchParams(body).get('client_assertion') || '';
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ access_token: jwt.split('.').length === 3 ? 'signed' : 'unsigned', token_type: 'Bearer', expires_in: 60 }));
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const client = new ConfidentialClient({ tokenUrl: 'http://127.0.0.1:' + server.address().port + '/token', clientId: 'a', clientSecret: 'b', clientAuthentication: 'client_secret_jwt' });
        console.log((await client.getToken()).accessToken);
        server.close();
      });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: new URL('.', root).pathname,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('signed');
  });

  it.each([
    ['CJS', 'commonjs', "const { ConfidentialClient } = require('./dist/index.cjs');"],
    ['ESM', 'module', "import { ConfidentialClient } from './dist/index.js';"],
  ])(
    'the %s build keeps a script that awaits a token alive until the typed error',
    (_name, type, load) => {
      // Port 9 answers nothing here; fetch refuses it ("bad port") without a socket, so only
      // the retry timers are left to hold the process.
      const script = `${load}
        const client = new ConfidentialClient({ tokenUrl: 'http://127.0.0.1:9/token', clientId: 'a', clientSecret: 'b', retry: { retries: 2, minTimeout: 100 } });
        client.getToken().then(() => console.log('token?'), (e) => { console.log('caught', e.name); process.exitCode = 3; });`;
      let status = 0;
      let out = '';
      try {
        out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], {
          cwd: new URL('.', root).pathname,
          encoding: 'utf8',
        });
      } catch (error) {
        ({ status, stdout: out } = error as { status: number; stdout: string });
      }
      expect(out).toContain('caught NetworkError');
      expect(status).toBe(3);
    },
  );

  it('errors from one copy are recognised by the guards of the other', async () => {
    const cjs = require(
      new URL('dist/index.cjs', root).pathname,
    ) as typeof import('../src/index.js');
    const esm = (await import(
      new URL('dist/index.js', root).href
    )) as typeof import('../src/index.js');
    const error = new cjs.TokenRequestError('x', { status: 400, error: 'invalid_client' });
    expect(error instanceof esm.TokenRequestError).toBe(false);
    expect(esm.isTokenRequestError(error)).toBe(true);
    expect(esm.isConfidentialClientError(error)).toBe(true);
  });
});

describe('confidential-client/dev-server', () => {
  it('loads and serves without msw installed', () => {
    // A child process whose module resolution cannot find msw.
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'msw' || request.startsWith('msw/')) throw Object.assign(new Error('no msw'), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const { startDevServer } = require('./dist/dev-server/index.cjs');
      startDevServer().then(async (dev) => {
        const res = await fetch(dev.url + '/mfp/api/az/v1/token', { method: 'POST', headers: { authorization: 'Basic ' + btoa('test:test'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
        console.log(res.status);
        await dev.close();
      });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: new URL('.', root).pathname,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('200');
  });
});

describe('confidential-client/testing', () => {
  it.each([
    ['ESM', 'dist/testing/index.js', /from ["']confidential-client\/dev-server["']/],
    ['CJS', 'dist/testing/index.cjs', /require\(["']confidential-client\/dev-server["']\)/],
  ])(
    '%s: imports the dev server by the package name, without a copy of it',
    (_name, file, load) => {
      const source = readFileSync(new URL(file, root), 'utf8');
      expect(source).toMatch(load);
      expect(source).not.toContain('createServer');
    },
  );

  it.each([
    [
      'CJS',
      'commonjs',
      "const t = require('./dist/testing/index.cjs'); const d = require('confidential-client/dev-server');",
    ],
    [
      'ESM',
      'module',
      "import * as t from './dist/testing/index.js'; import * as d from 'confidential-client/dev-server';",
    ],
  ])(
    '%s: resolves the dev server through the package exports, one emulator class for both entries',
    (_name, type, load) => {
      // A plain node process in the project: `confidential-client/dev-server` is a self-reference.
      const script = `${load}
        (async () => {
          const dev = await t.startDevServer();
          const res = await fetch(dev.url + dev.emulator.tokenPath, { method: 'POST', headers: { authorization: 'Basic ' + btoa('test:test'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
          console.log(JSON.stringify({
            sameStart: t.startDevServer === d.startDevServer,
            sameClass: t.MobileFirstEmulator === d.MobileFirstEmulator,
            instance: dev.emulator instanceof t.MobileFirstEmulator,
            loopbackOnly: dev.loopbackOnly,
            status: res.status,
          }));
          await dev.close();
        })();`;
      const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], {
        cwd: new URL('.', root).pathname,
        encoding: 'utf8',
      });
      expect(JSON.parse(out)).toEqual({
        sameStart: true,
        sameClass: true,
        instance: true,
        loopbackOnly: true,
        status: 200,
      });
    },
  );
});

describe('the bin', () => {
  it('imports the dev server by the package name, without a copy of it', () => {
    const source = readFileSync(new URL('dist/cli/index.js', root), 'utf8');
    expect(source).toMatch(/from ["']confidential-client\/dev-server["']/);
    expect(source).not.toContain('createServer');
  });

  it('serves the emulator until SIGINT, from the project (a self-reference)', async () => {
    const child = spawn(process.execPath, ['dist/cli/index.js', 'dev-server', '--port', '0'], {
      cwd: new URL('.', root).pathname,
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C')) resolve();
      });
      exited.then(() => reject(new Error(`the bin exited: ${err}`)));
    });
    try {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const res = await fetch(`${url}/mfp/api/az/v1/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa('test:test')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(err).toContain('Stopped (SIGINT)');
    expect(err).not.toContain('WARNING');
  });
});

describe('confidential-client/opentelemetry', () => {
  /** Every file a built entry loads from dist/, following its relative imports (chunks). */
  const closure = (entry: string): string[] => {
    const seen = new Set<string>();
    const visit = (file: URL) => {
      if (seen.has(file.pathname)) return;
      seen.add(file.pathname);
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(
        /(?:from\s*|import\s*\(?|require\()\s*["'](\.{1,2}\/[^"']+)["']/g,
      )) {
        visit(new URL(specifier as string, file));
      }
    };
    visit(new URL(entry, root));
    return [...seen];
  };

  it.each([
    ['ESM', 'dist/index.js'],
    ['CJS', 'dist/index.cjs'],
  ])('%s: the core and its chunks never mention @opentelemetry', (_name, entry) => {
    const files = closure(entry);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect(readFileSync(file, 'utf8')).not.toContain('@opentelemetry');
  });

  it.each([
    [
      'ESM',
      'dist/opentelemetry/index.js',
      /from ["']@opentelemetry\/api["']/,
      /from ["']confidential-client["']/,
    ],
    [
      'CJS',
      'dist/opentelemetry/index.cjs',
      /require\(["']@opentelemetry\/api["']\)/,
      /require\(["']confidential-client["']\)/,
    ],
  ])(
    '%s: imports @opentelemetry/api (the application’s copy) and the core by their names',
    (_name, file, api, core) => {
      const source = readFileSync(new URL(file, root), 'utf8');
      expect(source).toMatch(api);
      expect(source).toMatch(core);
      expect(source).not.toContain('class ConfidentialClient');
    },
  );

  it('the core loads and gets a token without @opentelemetry/api installed', () => {
    // A child process whose module resolution cannot find @opentelemetry/*.
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request.startsWith('@opentelemetry/')) throw Object.assign(new Error('no otel'), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const { ConfidentialClient } = require('./dist/index.cjs');
      const { startDevServer } = require('./dist/dev-server/index.cjs');
      startDevServer().then(async (dev) => {
        const client = new ConfidentialClient({ serverUrl: dev.url, clientId: 'test', clientSecret: 'test' });
        const token = await client.getToken();
        console.log(typeof token.accessToken, Object.keys(require.cache).some((f) => f.includes('@opentelemetry')));
        await client.close();
        await dev.close();
      });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: new URL('.', root).pathname,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('string false');
  });

  it.each([
    [
      'CJS',
      'commonjs',
      "const { openTelemetryHooks } = require('confidential-client/opentelemetry'); const { ConfidentialClient } = require('confidential-client'); const { startDevServer } = require('confidential-client/dev-server'); const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');",
    ],
    [
      'ESM',
      'module',
      "import { openTelemetryHooks } from 'confidential-client/opentelemetry'; import { ConfidentialClient } from 'confidential-client'; import { startDevServer } from 'confidential-client/dev-server'; import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';",
    ],
  ])(
    '%s: the built entry counts a token request through the package exports',
    (_name, type, load) => {
      const script = `${load}
      class Reader extends MetricReader { onForceFlush() { return Promise.resolve(); } onShutdown() { return Promise.resolve(); } }
      (async () => {
        const reader = new Reader();
        const dev = await startDevServer();
        const client = new ConfidentialClient({ serverUrl: dev.url, clientId: 'test', clientSecret: 'test',
          hooks: openTelemetryHooks({ meterProvider: new MeterProvider({ readers: [reader] }) }) });
        await client.getToken();
        const { resourceMetrics } = await reader.collect();
        const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
        console.log(names.includes('confidential_client.token.requests'));
        await client.close();
        await dev.close();
      })();`;
      const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], {
        cwd: new URL('.', root).pathname,
        encoding: 'utf8',
      });
      expect(out.trim()).toBe('true');
    },
  );
});
