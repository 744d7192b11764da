/**
 * The quickstart (`npm start`): a confidential client against MobileFirst — here the embedded dev
 * server, or your server with MFP_SERVER_URL, MFP_CLIENT_ID and MFP_CLIENT_SECRET set.
 */
import { ConfidentialClient } from 'confidential-client';
import { mobileFirst } from './env.js';

const server = await mobileFirst();
const client = new ConfidentialClient({
  serverUrl: server.serverUrl,
  clientId: server.clientId,
  clientSecret: server.clientSecret,
});

try {
  // 1. A token with the default scope (the server applies RegisteredClient).
  const token = await client.getToken();
  console.log('1. token:', String(token));

  // 2. A protected adapter resource: the client learns its scope from the 403 and retries.
  const resource = `${server.serverUrl}/mfp/api/adapters/sample/resource`;
  const res = await client.fetch(resource);
  console.log(`2. GET sample resource → ${res.status}`, await res.json());

  // 3. A push notification (scope messages.write + push.application.<appId>).
  const appId = 'com.example.app';
  const push = await client.fetch(`${server.serverUrl}/imfpush/v1/apps/${appId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: { alert: 'Hello from confidential-client' } }),
    scope: ['messages.write', `push.application.${appId}`],
  });
  console.log(`3. push message → ${push.status}`, await push.json());

  // 4. Introspect the first token, as a resource server would (scope authorization.introspect).
  const introspection = await client.fetch(`${server.serverUrl}/mfp/api/az/v1/introspection`, {
    method: 'POST',
    body: new URLSearchParams({ token: token.accessToken }),
    scope: 'authorization.introspect',
  });
  const data = (await introspection.json()) as {
    active: boolean;
    scope?: string;
    client_id?: string;
  };
  console.log(
    `4. introspection → active=${data.active} client_id=${data.client_id} scope="${data.scope}"`,
  );

  // 5. What it took.
  console.log('5. stats:', client.stats());
  if (res.status !== 200 || push.status !== 202 || !data.active) process.exitCode = 1;
} finally {
  await client.close();
  await server.close();
}
