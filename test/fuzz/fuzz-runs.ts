/**
 * How many runs each fuzz property gets: `FUZZ_RUNS` (`npm run fuzz` sets 100,000), else a few
 * thousand so that `npm test` keeps them quick. `fuzzTimeout(perRunMs)` scales a test's timeout.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

if (!Number.isInteger(FUZZ_RUNS) || FUZZ_RUNS < 1) {
  throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
}

/** A timeout for a property of `FUZZ_RUNS` runs, each allowed `perRunMs` on a loaded machine. */
export function fuzzTimeout(perRunMs = 0.5): number {
  return Math.max(15_000, Math.ceil(FUZZ_RUNS * perRunMs));
}

/**
 * The CPU time (user + system, µs) `work` takes, the best of `repeats` runs: CPU time rather than
 * wall time, so that other processes on a loaded machine count less; the best run, so that a GC
 * or a preemption in one run does not.
 */
export function cpuMicros(work: () => void, repeats = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return best;
}

/**
 * How the cost of `run(input(n))` grows when `n` grows `factor` times: ~`factor` for linear work,
 * ~`factor²` for quadratic. Each size runs enough times to take several milliseconds.
 */
export function growth(
  input: (n: number) => string,
  run: (input: string) => unknown,
  n: number,
  factor = 16,
): number {
  const small = input(n);
  const large = input(n * factor);
  // Warm up (optimize) on both sizes first: the comparison is of steady code.
  for (let i = 0; i < 3; i++) {
    run(small);
    run(large);
  }
  const loops = factor;
  const smallCost = cpuMicros(() => {
    for (let i = 0; i < loops; i++) run(small);
  });
  const largeCost = cpuMicros(() => run(large));
  // Per-call cost ratio: `loops` small calls against one large call.
  return (largeCost * loops) / Math.max(smallCost, 1);
}
