import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type DevServerModule = typeof import('../src/dev-server/index.js');

const root = new URL('..', import.meta.url);
const require = createRequire(import.meta.url);

describe.each([
  ['ESM', () => import(new URL('dist/dev-server/index.js', root).href) as Promise<DevServerModule>],
  [
    'CJS',
    async () => require(new URL('dist/dev-server/index.cjs', root).pathname) as DevServerModule,
  ],
])('the built dev server (%s)', (_format, load) => {
  it('serves the console page and its files, copied next to it by the build', async () => {
    const { startDevServer } = await load();
    await using server = await startDevServer();
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('src="/mfpconsole/console.js"');
    for (const file of ['console.js', 'api.js', 'clients.js', 'console.css']) {
      expect((await fetch(`${server.url}/mfpconsole/${file}`)).status, file).toBe(200);
    }
    const state = await fetch(`${server.url}/mfpconsole/api/state`, {
      headers: { authorization: `Basic ${btoa('admin:admin')}` },
    });
    expect(state.status).toBe(200);
  });
});

describe('the built bin', () => {
  it('prints the console URL, and the console page answers there', async () => {
    const child = spawn(process.execPath, ['dist/cli/index.js', 'dev-server', '--port', '0'], {
      cwd: new URL('.', root).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const consoleUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /console {10}(\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`the bin exited (${code}): ${out}`)));
      });
      expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mfpconsole$/);
      const page = await fetch(consoleUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>MobileFirst emulator console</title>');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });
});
