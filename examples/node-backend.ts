/**
 * Recipe: a Node back-end calling a MobileFirst adapter with ky. Tokens, their scope and their
 * renewal are handled below ky; the code only says what it wants.
 */
import { ConfidentialClient } from 'confidential-client';
import { mobileFirst } from './env.js';

const server = await mobileFirst();
await using client = new ConfidentialClient({
  serverUrl: server.serverUrl,
  clientId: server.clientId,
  clientSecret: server.clientSecret,
});
const adapters = client.ky.extend({
  prefixUrl: `${server.serverUrl}/mfp/api/adapters`,
  timeout: 10_000,
});

interface SampleAnswer {
  path: string;
  clientId: string;
  scope: string;
}
const answer = await adapters.get('sample/resource').json<SampleAnswer>();
console.log(`adapter answered for ${answer.clientId} with scope "${answer.scope}"`);
await server.close();
