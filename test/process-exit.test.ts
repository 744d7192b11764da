import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

describe('a process that forgets close()', () => {
  it('still exits by itself: refresh timers are unref’d', async () => {
    const script = `
      import { createServer } from 'node:http';
      import { ConfidentialClient } from './src/index.ts';
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
          res.end(JSON.stringify({ access_token: 'x', token_type: 'Bearer', expires_in: 3600 }));
        });
      });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const client = new ConfidentialClient({
        tokenUrl: 'http://127.0.0.1:' + server.address().port + '/token',
        clientId: 'a', clientSecret: 'b', refresh: { autoRefresh: true },
      });
      await client.getToken();
      server.close();
      console.log('done, not closing the client');
    `;
    const started = Date.now();
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: root,
        timeout: 20_000,
      },
    );
    expect(stdout).toContain('done, not closing the client');
    // An autoRefresh timer that held the process would keep it alive for ~55 minutes.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
