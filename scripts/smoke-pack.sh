#!/usr/bin/env bash
# Packs the package, installs the tarball into a fresh project, and checks that both
# `import` and `require` load it and get a token from a local token server, on the given node;
# then that `/testing` reaches `/dev-server` through the package's own name (one emulator for
# both entries), and that the bin serves the emulator.
# Usage: scripts/smoke-pack.sh [path/to/node]
set -euo pipefail
NODE=${1:-node}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund "./$tarball" >/dev/null
# msw is an optional peer dependency of `/testing`: the project's copy, linked rather than
# fetched (its own dependencies resolve from the project, through the link's real path).
ln -s "$root/node_modules/msw" node_modules/msw

cat > server.mjs <<'JS'
import { createServer } from 'node:http';
export function start() {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const ok = req.url === '/mfp/api/az/v1/token' && req.method === 'POST' &&
          req.headers.authorization === `Basic ${Buffer.from('smoke:smoke-secret').toString('base64')}` &&
          new URLSearchParams(body).get('grant_type') === 'client_credentials';
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify(ok ? { access_token: 'smoke-token', token_type: 'Bearer', expires_in: 3599, scope: 'RegisteredClient' } : { error: 'invalid_request' }));
      });
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
JS
cat > esm.mjs <<'JS'
import { ConfidentialClient, isTokenRequestError } from 'confidential-client';
import { start } from './server.mjs';
const server = await start();
const client = new ConfidentialClient({ serverUrl: `http://127.0.0.1:${server.address().port}`, clientId: 'smoke', clientSecret: 'smoke-secret' });
const token = await client.getToken();
if (token.accessToken !== 'smoke-token' || typeof isTokenRequestError !== 'function') throw new Error('ESM smoke failed');
await client.close();
server.close();
console.log('esm: ok', token.scope.join(' '));
JS
cat > cjs.cjs <<'JS'
const { ConfidentialClient } = require('confidential-client');
(async () => {
  const { start } = await import('./server.mjs');
  const server = await start();
  const client = new ConfidentialClient({ serverUrl: `http://127.0.0.1:${server.address().port}`, clientId: 'smoke', clientSecret: 'smoke-secret' });
  const token = await client.getToken();
  if (token.accessToken !== 'smoke-token') throw new Error('CJS smoke failed');
  await client.close();
  server.close();
  console.log('cjs: ok', token.scope.join(' '));
})().catch((error) => { console.error(error); process.exit(1); });
JS
cat > entries.mjs <<'JS'
import * as testing from 'confidential-client/testing';
import * as devServer from 'confidential-client/dev-server';
import { ConfidentialClient } from 'confidential-client';
const dev = await testing.startDevServer();
const client = new ConfidentialClient({ serverUrl: dev.url, clientId: 'test', clientSecret: 'test' });
const res = await client.fetch(`${dev.url}${dev.emulator.sampleResourcePath}`);
if (res.status !== 200 || testing.startDevServer !== devServer.startDevServer ||
  !(dev.emulator instanceof testing.MobileFirstEmulator) || typeof testing.createMswHandlers !== 'function' ||
  !dev.loopbackOnly) throw new Error(`ESM entries smoke failed: ${res.status}`);
// /mobilefirst on the installed package: a push through the PushClient, and one core for all.
const { PushClient, TokenValidator } = await import('confidential-client/mobilefirst');
const push = new PushClient({ client, applicationId: 'com.example.smoke' });
const { messageId } = await push.send({ message: { alert: 'smoke' } });
const validator = new TokenValidator({ client });
const check = await validator.validate((await client.getToken()).authorization, 'RegisteredClient');
if (!messageId || !check.ok || push.client !== client) throw new Error('ESM mobilefirst smoke failed');
await client.close();
await dev.close();
console.log('esm entries: ok');
JS
cat > entries.cjs <<'JS'
const testing = require('confidential-client/testing');
const devServer = require('confidential-client/dev-server');
const { ConfidentialClient } = require('confidential-client');
(async () => {
  const dev = await testing.startDevServer();
  const client = new ConfidentialClient({ serverUrl: dev.url, clientId: 'test', clientSecret: 'test' });
  const res = await client.fetch(`${dev.url}${dev.emulator.sampleResourcePath}`);
  if (res.status !== 200 || testing.startDevServer !== devServer.startDevServer ||
    !(dev.emulator instanceof testing.MobileFirstEmulator) || typeof testing.createMswHandlers !== 'function' ||
    !dev.loopbackOnly) throw new Error(`CJS entries smoke failed: ${res.status}`);
  const { PushClient } = require('confidential-client/mobilefirst');
  const { messageId } = await new PushClient({ client, applicationId: 'com.example.smoke' }).send({ message: { alert: 'smoke' } });
  if (!messageId) throw new Error('CJS mobilefirst smoke failed');
  await client.close();
  await dev.close();
  console.log('cjs entries: ok');
})().catch((error) => { console.error(error); process.exit(1); });
JS
cat > types.mts <<'TS'
import { ConfidentialClient, type AccessToken } from 'confidential-client';
import { type DevServer, MobileFirstEmulator, startDevServer } from 'confidential-client/testing';
const client = new ConfidentialClient({ serverUrl: 'https://x', clientId: 'a', clientSecret: 'b' });
const token: Promise<AccessToken> = client.getToken({ scope: 'a' });
// The emulator of `/testing` is the one `startDevServer` (from `/dev-server`) takes and gives.
const dev: Promise<DevServer> = startDevServer({ emulator: new MobileFirstEmulator() });
void dev.then((server): MobileFirstEmulator => server.emulator);
void token;
import { PushClient, type ValidationResult } from 'confidential-client/mobilefirst';
const push = new PushClient({ client, applicationId: 'com.example.app' });
void push.send({ message: { alert: 'x' }, target: { tagNames: ['a'] } });
const result: ValidationResult | undefined = undefined;
void result;
TS
cat > types.cts <<'TS'
import cc = require('confidential-client');
import testing = require('confidential-client/testing');
const client = new cc.ConfidentialClient({ serverUrl: 'https://x', clientId: 'a', clientSecret: 'b' });
const token: Promise<cc.AccessToken> = client.getToken({ scope: 'a' });
const dev: Promise<testing.DevServer> = testing.startDevServer({ emulator: new testing.MobileFirstEmulator() });
void dev.then((server): testing.MobileFirstEmulator => server.emulator);
void token;
TS

echo "smoke: $("$NODE" --version)"
"$NODE" esm.mjs
"$NODE" cjs.cjs
"$NODE" entries.mjs
"$NODE" entries.cjs
# The bin: starts the dev server, prints its URL, stops on SIGINT with exit code 0.
"$NODE" node_modules/confidential-client/dist/cli/index.js dev-server --port 0 > bin.out 2> bin.err &
bin=$!
for _ in $(seq 1 100); do grep -q 'Press Ctrl+C' bin.out && break; sleep 0.1; done
grep -q 'listening on http://127.0.0.1:' bin.out || { cat bin.out bin.err; exit 1; }
kill -INT "$bin"
wait "$bin"
grep -q 'Stopped (SIGINT)' bin.err
echo "bin: ok"
# Types resolve for both import and require (NodeNext), using the project's TypeScript.
"$root/node_modules/.bin/tsc" --module nodenext --moduleResolution nodenext --strict --noEmit --skipLibCheck false --types node --typeRoots "$root/node_modules/@types" types.mts types.cts
echo "smoke: types ok"
