/**
 * What the peers benchmark's scenarios share: the server child process, its control routes, and
 * a closed-loop load that records each call (start, when its resource request left, end, status).
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PeerServerStats } from './server.js';

export const epoch = (): number => performance.timeOrigin + performance.now();

/** The server in a child process; `close()` ends it. */
export async function startPeerServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), {
    env: { ...process.env, PEERS_SERVER_CHILD: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: peers server did not start')), 15_000);
    child.once('exit', (code) => reject(new Error(`bench: peers server exited (${code})`)));
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { origin: string }).origin);
    });
  });
  return {
    origin,
    close: async () => {
      child.disconnect();
      const killer = setTimeout(() => child.kill(), 3_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Calls a control route of the server. */
export async function control(origin: string, path: string): Promise<void> {
  const response = await fetch(origin + path, { method: 'POST' });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`bench: POST ${path} answered ${response.status}`);
}

export async function serverStats(origin: string): Promise<PeerServerStats> {
  return (await (await fetch(`${origin}/__stats`)).json()) as PeerServerStats;
}

/** One call, as the load saw it. */
export interface CallRecord {
  start: number;
  /** When its resource request left (the first one, if it was replayed). */
  sent?: number;
  end: number;
  /** The status the caller got; 0 when the call threw. */
  status: number;
}

const current = new AsyncLocalStorage<CallRecord>();
let tracing = false;

/**
 * Wraps `globalThis.fetch` once so that a resource request notes when it left, in the record of
 * the call it belongs to (followed through `await`s by AsyncLocalStorage). Every contender sends
 * its resource requests through the global `fetch` (`OAuth2Fetch` and the client's default
 * `fetch` look it up per call), so each pays the same for it.
 */
export function traceResourceRequests(): void {
  if (tracing) return;
  tracing = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const record = current.getStore();
    if (record !== undefined && record.sent === undefined) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.endsWith('/token')) record.sent = epoch();
    }
    return original(input, init);
  };
}

/**
 * Keeps `concurrency` calls in flight until `until()` says stop, recording each.
 *
 * @param call - One call; its answer is the status the caller sees.
 */
export async function recordLoad(
  call: () => Promise<number>,
  concurrency: number,
  until: (calls: number) => boolean,
): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  const worker = async () => {
    while (!until(records.length)) {
      const record: CallRecord = { start: epoch(), end: 0, status: 0 };
      records.push(record);
      try {
        record.status = await current.run(record, call);
      } catch {
        record.status = 0;
      }
      record.end = epoch();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return records;
}

/** The p-th percentile (0–100) of `values`, nearest rank; `NaN` for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
