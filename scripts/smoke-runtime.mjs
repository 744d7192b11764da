// Runs the built ESM package on another runtime (Bun, Deno) against the dev server:
// a token, then a protected resource through client.fetch (403 → step-up → 200), then
// confidential-client/mobilefirst: a push through PushClient and a check through TokenValidator
// (WebCrypto, and the entry's import of 'confidential-client' resolved by the package's own name).
// Usage: <runtime> scripts/smoke-runtime.mjs   (after `npm run build`)

import { startDevServer } from '../dist/dev-server/index.js';
import { ConfidentialClient } from '../dist/index.js';
import { PushClient, TokenValidator } from '../dist/mobilefirst/index.js';

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
  const push = new PushClient({ client, applicationId: 'com.example.smoke' });
  const { messageId } = await push.send({ message: { alert: 'smoke' } });
  const check = await new TokenValidator({ client }).validate(
    token.authorization,
    'RegisteredClient',
  );
  if (!messageId || !check.ok || push.client !== client) {
    throw new Error(`mobilefirst: ${messageId} ${JSON.stringify(check)}`);
  }
  console.log(`smoke (${runtime}): ok, stats ${JSON.stringify(client.stats())}`);
} finally {
  await client.close();
  await dev.close();
}
