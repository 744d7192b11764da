/**
 * A bounded pool over an iterable: at most `concurrency` items in work at once, results yielded as
 * they complete, a producer held back while results wait unread.
 *
 * @module
 * @internal
 */

/** Options of {@link runPool}. @internal */
export interface PoolOptions {
  readonly concurrency: number;
  /** Once aborted, no further item is taken from the source. */
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs `work` over the items of `source`, `concurrency` at a time, and yields each result as it
 * completes. Items are taken from the source one at a time, as workers free up, so a lazy or
 * endless source is read only as fast as it is worked through.
 *
 * Leaving the loop early (or the signal aborting) stops taking items; the items in work are
 * awaited before the generator ends, so nothing is left running. An error of the source (or of
 * `work`) ends the pool the same way, then is thrown.
 *
 * @param source - The items.
 * @param work - Turns an item and its index into a result; should not throw.
 * @param options - `concurrency` and `signal`.
 * @returns The results, in completion order.
 * @internal
 */
export async function* runPool<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions,
): AsyncGenerator<R, void, undefined> {
  const iterator: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const ready: R[] = [];
  const space: (() => void)[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let next = 0;
  // One `next()` at a time, as async iterators need not support concurrent calls; the index is
  // given in the same step, so that it follows the source's order.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<{ item: T; index: number } | undefined> => {
    const result = pulling.then(async () => {
      const step = await iterator.next();
      return step.done ? undefined : { item: step.value, index: next++ };
    });
    pulling = result.catch(() => undefined);
    return result;
  };
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };

  const worker = async (): Promise<void> => {
    try {
      while (!stopped && !options.signal?.aborted) {
        const taken = await pull();
        // Taken after the consumer left: not worked on, since nobody would see its result.
        if (taken === undefined || stopped) return;
        ready.push(await work(taken.item, taken.index));
        notify();
        // Hold back while the consumer has a full buffer of results to read.
        while (ready.length >= options.concurrency && !stopped) {
          await new Promise<void>((resolve) => space.push(resolve));
        }
      }
    } catch (error) {
      failure ??= { error };
      stopped = true;
    }
  };
  let running = options.concurrency;
  const workers = Array.from({ length: options.concurrency }, () =>
    worker().finally(() => {
      running--;
      notify();
    }),
  );

  try {
    for (;;) {
      if (ready.length > 0) {
        const result = ready.shift() as R;
        space.shift()?.();
        yield result;
        continue;
      }
      if (running === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stopped = true;
    for (const release of space.splice(0)) release();
    await Promise.all(workers);
    await Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  if (failure) throw failure.error;
}
