/**
 * Recipe: a performance-test harness. Wrap fetch once; fire thousands of concurrent requests;
 * read stats() after. One token request serves them all, and no request waits on a refresh.
 */
import { ConfidentialClient } from 'confidential-client';
import { mobileFirst } from './env.js';

const server = await mobileFirst();
const client = new ConfidentialClient({
  serverUrl: server.serverUrl,
  clientId: server.clientId,
  clientSecret: server.clientSecret,
  scope: 'RegisteredClient accessRestricted', // known up front: no 403 discovery needed
});
const url = `${server.serverUrl}/mfp/api/adapters/sample/resource`;
const requests = Number(process.env.REQUESTS ?? 2_000);
const concurrency = 64;

const started = performance.now();
const statuses = new Map<number, number>();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests) {
      next++;
      const res = await client.fetch(url);
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  `${requests} requests in ${seconds.toFixed(2)} s (${Math.round(requests / seconds)} req/s), statuses:`,
  Object.fromEntries(statuses),
);
console.log('stats:', client.stats());
if (client.stats().tokenRequests !== 1 || statuses.get(200) !== requests) process.exitCode = 1;
await client.close();
await server.close();
