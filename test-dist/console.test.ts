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
