/**
 * A closed-loop load generator and the few statistics the runner prints.
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The result of one round. */
export interface RoundResult {
  readonly requests: number;
  readonly ms: number;
  readonly perSecond: number;
  /**
   * CPU time of this process (user + system) per request, in µs. With the server in another
   * process this is the client side's own cost, and less sensitive than wall time to other
   * processes competing for the cores.
   */
  readonly cpuMicros: number;
}

/**
 * Sends exactly `requests` requests through `once`, keeping `concurrency` of them in flight
 * (each worker starts its next request when its previous one, body included, is done).
 *
 * @param once - Sends one request and reads its whole body; throws on a wrong answer.
 * @param requests - How many requests in all (bounds the loop).
 * @param concurrency - Requests in flight at once.
 * @returns Wall time, throughput and CPU time per request.
 */
export async function runLoad(
  once: () => Promise<void>,
  requests: number,
  concurrency: number,
): Promise<RoundResult> {
  let started = 0;
  const worker = async () => {
    while (started < requests) {
      started++;
      await once();
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    requests,
    ms,
    perSecond: (requests / ms) * 1000,
    cpuMicros: (cpu.user + cpu.system) / requests,
  };
}

/**
 * @param values - Numbers (not modified).
 * @returns Their median (`NaN` for none).
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A full garbage collection, so that one round's garbage is not collected during the next
 * round (which would charge one side for the other's allocations). `npm run bench` cannot pass
 * `--expose-gc`, so the flag is set at run time.
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => {};
})();
