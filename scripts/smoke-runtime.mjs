// Runs the built ESM package on another runtime (Bun, Deno) against the dev server:
// a token, then a protected resource through client.fetch (403 → step-up → 200).
// Usage: <runtime> scripts/smoke-runtime.mjs   (after `npm run build`)

import { startDevServer } from '../dist/dev-server/index.js';
import { ConfidentialClient } from '../dist/index.js';

const runtime = globalThis.Bun
  ? `bun ${Bun.version}`
  : globalThis.Deno
    ? `deno ${Deno.version.deno}`
    : `node ${process.version}`;
const dev = await startDevServer();
const client = new ConfidentialClient({
  serverUrl: dev.url,
  clientId: 'test',
  clientSecret: 'test',
});
try {
  const token = await client.getToken();
  const res = await client.fetch(`${dev.url}/mfp/api/adapters/sample/resource`);
  const body = await res.json();
  if (res.status !== 200 || body.scope !== 'RegisteredClient accessRestricted' || !token.claims) {
    throw new Error(`unexpected answer ${res.status} ${JSON.stringify(body)}`);
  }
  console.log(`smoke (${runtime}): ok, stats ${JSON.stringify(client.stats())}`);
} finally {
  await client.close();
  await dev.close();
}
