/**
 * A closed-loop load generator and the few statistics the runner prints.
 * @module
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The result of one round. */
export interface RoundResult {
  readonly requests: number;
  readonly ms: number;
  readonly perSecond: number;
  /**
   * CPU time of this process (user + system, every thread) per request, in µs. With the server in
   * another process this is the client side's own cost, and less sensitive than wall time to
   * other processes competing for the cores.
   */
  readonly cpuMicros: number;
  /**
   * CPU time of the main thread alone per request, in µs (`NaN` where it cannot be read): the
   * JavaScript of both sides, undici included, runs there; the other threads are V8's (concurrent
   * compilation and GC marking) and libuv's, whose work lands on a round by chance.
   */
  readonly mainCpuMicros: number;
  /** `cpuMicros − mainCpuMicros`: the other threads' CPU time per request. */
  readonly otherCpuMicros: number;
  /** The event loop's utilization over the round (0–1): how busy the main thread was. */
  readonly eventLoopUtilization: number;
}

/**
 * CPU time of the main thread so far, in µs: `process.threadCpuUsage()` where Node has it
 * (≥ 23.9), else Linux's per-thread `schedstat` (nanoseconds on the CPU; the main thread's id is
 * the process id); `NaN` elsewhere. `process.cpuUsage()` counts every thread of the process.
 */
export const mainThreadCpuMicros: () => number = (() => {
  const threadCpuUsage = (process as { threadCpuUsage?: () => { user: number; system: number } })
    .threadCpuUsage;
  if (typeof threadCpuUsage === 'function') {
    return () => {
      const usage = threadCpuUsage.call(process);
      return usage.user + usage.system;
    };
  }
  const path = `/proc/self/task/${process.pid}/schedstat`;
  try {
    readFileSync(path, 'utf8');
  } catch {
    return () => Number.NaN;
  }
  return () => Number(readFileSync(path, 'utf8').split(' ')[0]) / 1000;
})();

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
  const main0 = mainThreadCpuMicros();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadCpuMicros() - main0;
  const total = cpu.user + cpu.system;
  return {
    requests,
    ms,
    perSecond: (requests / ms) * 1000,
    cpuMicros: total / requests,
    mainCpuMicros: main / requests,
    otherCpuMicros: (total - main) / requests,
    eventLoopUtilization: performance.eventLoopUtilization(elu0).utilization,
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
 * A full garbage collection. Called between sections only, never between the rounds of a
 * comparison: a forced full GC lets V8 discard optimized code, so every round after one
 * recompiles, and the side with more code on its path pays more of that (most of the 3–4 % CPU
 * gap the 400-request rounds of earlier versions reported). `npm run bench` cannot pass
 * `--expose-gc`, so the flag is set at run time.
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => {};
})();
