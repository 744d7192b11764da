/**
 * Recipe: an operator registers a confidential client for a back-end (the console's Runtime
 * Settings → Confidential Clients, through the admin REST API), checks that it gets a token for
 * its allowed scope, then removes it. The administrator is MFP_ADMIN_USER / MFP_ADMIN_PASSWORD
 * (the DevKit's admin / admin by default).
 */
import { ConfidentialClient } from 'confidential-client';
import { AdminClient } from 'confidential-client/mobilefirst';
import { mobileFirst } from './env.js';

const server = await mobileFirst();
const admin = new AdminClient({
  serverUrl: server.serverUrl,
  username: process.env.MFP_ADMIN_USER ?? 'admin',
  password: process.env.MFP_ADMIN_PASSWORD ?? 'admin',
});
console.log(`registered: ${(await admin.list()).map((client) => client.id).join(', ')}`);

const secret = crypto.randomUUID();
const { action } = await admin.upsert(
  {
    id: 'example-backend',
    displayName: 'Example back-end',
    secret,
    allowedScope: ['accessRestricted'],
  },
  { retries: 2 }, // re-read and reapply if another administrator writes meanwhile
);
console.log(`example-backend: ${action}`, await admin.get('example-backend')); // secret: '[redacted]'

try {
  await using backend = new ConfidentialClient({
    serverUrl: server.serverUrl,
    clientId: 'example-backend',
    clientSecret: secret,
  });
  const token = await backend.getToken({ scope: 'accessRestricted' });
  console.log(`token granted for scope "${token.scope.join(' ')}"`);
} finally {
  console.log(`removed: ${await admin.remove('example-backend')}`);
  await server.close();
}
