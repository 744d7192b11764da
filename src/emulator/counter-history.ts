/**
 * What the emulator's counters did over the last minutes, in buckets of a few seconds: the data
 * behind the dev-server console's small charts.
 *
 * @module
 */

/** The requests of one bucket of {@link CounterHistory}. */
export interface CounterBucket {
  /** Start of the bucket, epoch ms on the emulator's base clock (`options.now`). */
  readonly start: number;
  /** Requests that reached the token endpoint. */
  readonly tokenRequests: number;
  /** Access tokens issued. */
  readonly tokensIssued: number;
  /** Requests to the introspection endpoint. */
  readonly introspections: number;
  /** Requests to the push message endpoints. */
  readonly pushRequests: number;
  /** Calls to protected resources by the status the emulator answered. */
  readonly resourceCallsByStatus: Readonly<Record<number, number>>;
}

/**
 * The counters over the last {@link CounterHistory.windowMs}: only buckets that counted
 * something, oldest first. It runs on the emulator's base clock (`options.now`), so that
 * {@link MobileFirstEmulator.advanceClock} (which moves token expiry) leaves it in place.
 */
export interface CounterHistory {
  /** The base clock when the history was read, epoch ms. */
  readonly now: number;
  /** Width of a bucket in ms. */
  readonly bucketMs: number;
  /** How far back the history goes, in ms. */
  readonly windowMs: number;
  /** The buckets that counted something, oldest first. */
  readonly buckets: readonly CounterBucket[];
}

/** The kinds of request a bucket counts (resource calls aside: they count by status). */
export type CountedRequest = 'tokenRequests' | 'tokensIssued' | 'introspections' | 'pushRequests';

interface MutableBucket {
  start: number;
  tokenRequests: number;
  tokensIssued: number;
  introspections: number;
  pushRequests: number;
  resourceCallsByStatus: Map<number, number>;
}

/** Five-second buckets over five minutes: 60 points per chart. */
const BUCKET_MS = 5_000;
const WINDOW_MS = 5 * 60_000;

/** Start of the oldest bucket of the window that ends with the bucket of `now`. */
function firstBucket(now: number): number {
  return Math.floor(now / BUCKET_MS) * BUCKET_MS - WINDOW_MS + BUCKET_MS;
}

/**
 * A ring of recent buckets. Recording costs a map lookup; old buckets go when a new one starts.
 *
 * @internal
 */
export class CounterTimeline {
  readonly #now: () => number;
  #buckets: MutableBucket[] = [];

  /** @param now - The base clock, epoch ms. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Counts one request of a kind. */
  count(kind: CountedRequest): void {
    this.#current()[kind]++;
  }

  /** Counts one resource call by its status. */
  countResourceCall(status: number): void {
    const byStatus = this.#current().resourceCallsByStatus;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  /** Forgets everything. */
  reset(): void {
    this.#buckets = [];
  }

  /** A copy of the buckets still within the window. */
  snapshot(): CounterHistory {
    const now = this.#now();
    const first = firstBucket(now);
    return {
      now,
      bucketMs: BUCKET_MS,
      windowMs: WINDOW_MS,
      buckets: this.#buckets
        .filter((bucket) => bucket.start >= first)
        .map((bucket) => ({
          ...bucket,
          resourceCallsByStatus: Object.fromEntries(bucket.resourceCallsByStatus),
        })),
    };
  }

  #current(): MutableBucket {
    const start = Math.floor(this.#now() / BUCKET_MS) * BUCKET_MS;
    const last = this.#buckets.at(-1);
    if (last?.start === start) return last;
    const bucket: MutableBucket = {
      start,
      tokenRequests: 0,
      tokensIssued: 0,
      introspections: 0,
      pushRequests: 0,
      resourceCallsByStatus: new Map(),
    };
    // A clock that went back (a test's fake clock) starts a new series rather than reordering.
    const first = firstBucket(start);
    this.#buckets = this.#buckets.filter((old) => old.start >= first && old.start < start);
    this.#buckets.push(bucket);
    return bucket;
  }
}
