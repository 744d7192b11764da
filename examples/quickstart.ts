/**
 * The quickstart (`npm start`): a confidential client against MobileFirst — here the embedded dev
 * server, or your server with MFP_SERVER_URL, MFP_CLIENT_ID and MFP_CLIENT_SECRET set.
 */
import { ConfidentialClient } from 'confidential-client';
import { PushClient, TokenValidator } from 'confidential-client/mobilefirst';
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

  // 3. A push notification, through the typed PushClient (it asks for the scope
  //    messages.write push.application.<appId> itself, and checks the message before sending).
  const push = new PushClient({ client, applicationId: 'com.example.app' });
  const { messageId } = await push.send({
    message: { alert: 'Hello from confidential-client' },
    target: { platforms: ['A', 'G'] },
  });
  console.log(`3. push message → 202, messageId ${messageId}`);

  // 4. A resource server requiring accessRestricted checks tokens through introspection (its own
  //    client needs authorization.introspect): the first token lacks the scope, the one the
  //    client got in step 2 has it.
  const validator = new TokenValidator({ client });
  const denied = await validator.validate(token.authorization, 'accessRestricted');
  const stepped = await client.getToken({ scope: 'RegisteredClient accessRestricted' });
  const allowed = await validator.validate(stepped.authorization, 'accessRestricted');
  console.log(
    `4. introspection → first token: ${denied.ok ? 'allowed' : `${denied.status} ${denied.wwwAuthenticate}`}; ` +
      `token from step 2: ${allowed.ok ? `allowed (client ${allowed.data.clientId})` : allowed.status}`,
  );

  // 5. What it took.
  console.log('5. stats:', client.stats());
  if (res.status !== 200 || !messageId || denied.ok || !allowed.ok) process.exitCode = 1;
} finally {
  await client.close();
  await server.close();
}
