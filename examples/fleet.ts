/**
 * Recipe: a fleet of worker processes that behaves like one client. Each worker has its own
 * ConfidentialClient on a RedisTokenStore; through Redis they share one token, so the fleet asks
 * the token endpoint once on a cold start and once per renewal window, not once per process.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 WORKERS=8 npx tsx examples/fleet.ts
 *
 * Settings (environment): REDIS_URL (default redis://127.0.0.1:6379), WORKERS (4), REQUESTS per
 * worker (500) or DURATION_MS to run for a time instead, CONCURRENCY per worker (16), and the
 * server as in every example (MFP_SERVER_URL…; an embedded dev server otherwise). `--json`
 * prints one JSON line instead of text (the benchmark reads it).
 */
import { fork } from 'node:child_process';
import { ConfidentialClient } from 'confidential-client';
import { RedisTokenStore } from 'confidential-client/redis';
import { createClient } from 'redis';
import { mobileFirst } from './env.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a worker reports to the primary. */
interface Report {
  requests: number;
  failures: number;
  tokenRequests: number;
  seconds: number;
}

if (process.env.FLEET_WORKER) await worker();
else await primary();

/** One worker: calls the sample resource, then reports. */
async function worker(): Promise<void> {
  const redis = await createClient({ url: REDIS_URL })
    .on('error', () => undefined)
    .connect();
  const store = new RedisTokenStore({ client: redis });
  const client = new ConfidentialClient({
    serverUrl: process.env.MFP_SERVER_URL as string,
    clientId: process.env.MFP_CLIENT_ID as string,
    clientSecret: process.env.MFP_CLIENT_SECRET as string,
    scope: 'accessRestricted',
    store,
  });
  const url = `${process.env.MFP_SERVER_URL}/mfp/api/adapters/sample/resource`;
  const requests = Number(process.env.REQUESTS ?? 500);
  const duration = Number(process.env.DURATION_MS ?? 0);
  const end = performance.now() + duration;
  const more = (done: number) => (duration > 0 ? performance.now() < end : done < requests);
  const report: Report = { requests: 0, failures: 0, tokenRequests: 0, seconds: 0 };
  // Every worker starts at the same moment: the cold start is a real stampede.
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send?.('ready');
  await go;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(process.env.CONCURRENCY ?? 16) }, async () => {
      while (more(report.requests)) {
        report.requests++;
        try {
          const response = await client.fetch(url);
          await response.arrayBuffer();
          if (response.status !== 200) report.failures++;
        } catch {
          report.failures++;
        }
      }
    }),
  );
  report.seconds = (performance.now() - started) / 1000;
  report.tokenRequests = client.stats().tokenRequests;
  process.send?.(report);
  await client.close();
  await store.close();
  redis.destroy();
}

/** The primary: starts the workers, adds up their reports. */
async function primary(): Promise<void> {
  const json = process.argv.includes('--json');
  const probe = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  try {
    await probe.on('error', () => undefined).connect();
    probe.destroy();
  } catch {
    console.error(
      `No Redis at ${REDIS_URL}. Start one (apt-get install redis-server, or ` +
        'docker run -p 6379:6379 redis) or set REDIS_URL.',
    );
    process.exit(1);
  }
  const server = await mobileFirst();
  const count = Number(process.env.WORKERS ?? 4);
  const workers = Array.from({ length: count }, () =>
    fork(new URL(import.meta.url), process.argv.slice(2), {
      env: {
        ...process.env,
        FLEET_WORKER: '1',
        MFP_SERVER_URL: server.serverUrl,
        MFP_CLIENT_ID: server.clientId,
        MFP_CLIENT_SECRET: server.clientSecret,
      },
    }),
  );
  const messages = workers.map((child) => {
    const next: Array<(message: unknown) => void> = [];
    child.on('message', (message) => next.shift()?.(message));
    child.once('exit', (code) => {
      if (code !== 0) console.error(`a worker exited with code ${code}`);
      for (const resolve of next.splice(0)) resolve(undefined);
    });
    return () => new Promise<unknown>((resolve) => next.push(resolve));
  });
  // All connected to Redis: then all start together.
  const readies = messages.map((message) => message());
  const reports = messages.map((message) => message() as Promise<Report | undefined>);
  await Promise.all(readies);
  for (const child of workers) child.send('go');
  const all = (await Promise.all(reports)).map(
    (report) => report ?? { requests: 0, failures: 1, tokenRequests: 0, seconds: 0 },
  );
  const sum = (field: keyof Report) => all.reduce((n, r) => n + r[field], 0);
  const seconds = Math.max(...all.map((r) => r.seconds));
  const result = {
    workers: count,
    requests: sum('requests'),
    failures: sum('failures'),
    tokenRequests: sum('tokenRequests'),
    seconds,
    requestsPerSecond: Math.round(sum('requests') / seconds),
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(
      `${result.workers} workers: ${result.requests} requests in ${seconds.toFixed(2)} s ` +
        `(${result.requestsPerSecond} req/s), ${result.failures} failed; token requests for the ` +
        `whole fleet: ${result.tokenRequests} (at least ${count} without a shared store)`,
    );
  }
  if (result.failures > 0) process.exitCode = 1;
  await server.close();
}
