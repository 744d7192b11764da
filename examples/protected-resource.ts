/**
 * Recipe: a resource server (Express) that protects its routes with MobileFirst tokens, and a
 * back-end that calls it without knowing the scope: the 403 `insufficient_scope` tells its
 * ConfidentialClient which token to get.
 *
 * The validator's client needs `authorization.introspect` in its allowed scope; on the DevKit the
 * `test` client (scope `*`) has it. Against your server set MFP_SERVER_URL, MFP_CLIENT_ID and
 * MFP_CLIENT_SECRET (one client plays both parts here).
 */
import type { AddressInfo } from 'node:net';
import { ConfidentialClient } from 'confidential-client';
import { TokenValidator } from 'confidential-client/mobilefirst';
import express from 'express';
import { mobileFirst } from './env.js';

const server = await mobileFirst();
const credentials = { clientId: server.clientId, clientSecret: server.clientSecret };

// The resource server: every /orders route needs a token with scope orders.read.
const validator = new TokenValidator({ serverUrl: server.serverUrl, ...credentials });
const app = express();
app.get('/orders', validator.express('orders.read'), (req, res) => {
  res.json({ orders: [], for: req.mfp?.clientId, scope: req.mfp?.scope });
});
const listening = app.listen(0, '127.0.0.1');
await new Promise((resolve) => listening.once('listening', resolve));
const resourceUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;

// The caller: no scope configured; the token goes to the resource server's origin too.
const caller = new ConfidentialClient({
  serverUrl: server.serverUrl,
  ...credentials,
  origins: [server.serverUrl, resourceUrl],
});

try {
  const unauthenticated = await fetch(`${resourceUrl}/orders`);
  console.log(
    `1. without a token → ${unauthenticated.status} WWW-Authenticate: ${unauthenticated.headers.get('www-authenticate')}`,
  );
  const res = await caller.fetch(`${resourceUrl}/orders`);
  console.log(`2. with a ConfidentialClient → ${res.status}`, await res.json());
  const { tokenRequests, stepUps } = caller.stats();
  console.log(`3. token requests: ${tokenRequests}, step-ups after a 403: ${stepUps}`);
  if (unauthenticated.status !== 401 || res.status !== 200) process.exitCode = 1;
} finally {
  await caller.close();
  await validator.close();
  listening.closeAllConnections();
  await new Promise((resolve) => listening.close(resolve));
  await server.close();
}
