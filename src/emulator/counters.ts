/**
 * Request counters, for tests that assert how often a client called the server, and their recent
 * history for the dev-server console's charts.
 *
 * @module
 */

import { type CountedRequest, type CounterHistory, CounterTimeline } from './counter-history.js';

/** A snapshot of the emulator's counters. Every record is a fresh copy. */
export interface EmulatorCounters {
  /** Requests that reached the token endpoint, whatever their outcome (faults included). */
  readonly tokenRequests: number;
  /**
   * Token requests by client ID (as sent, `''` when none was sent) and then by requested scope
   * (normalized: sorted unique elements joined by a space; `RegisteredClient` when omitted).
   */
  readonly tokenRequestsByClient: Record<string, Record<string, number>>;
  /** Access tokens issued (token requests that succeeded). */
  readonly tokensIssued: number;
  /** Calls to protected resources (the sample adapter and {@link MobileFirstEmulator.protect}). */
  readonly resourceCalls: number;
  /** Resource calls by the status the emulator answered (200, 401, 403…). */
  readonly resourceCallsByStatus: Record<number, number>;
  /** Requests to the introspection endpoint. */
  readonly introspections: number;
  /** Requests to the push messages endpoints (accepted or not). */
  readonly pushRequests: number;
  /** Requests to the admin REST API. */
  readonly adminRequests: number;
}

/** Mutable counters behind {@link EmulatorCounters}. @internal */
export class CounterSet {
  tokenRequests = 0;
  tokensIssued = 0;
  resourceCalls = 0;
  introspections = 0;
  pushRequests = 0;
  adminRequests = 0;
  #byClient = new Map<string, Map<string, number>>();
  #byStatus = new Map<number, number>();
  readonly #timeline: CounterTimeline;

  /** @param now - The base clock of the history, epoch ms. */
  constructor(now: () => number) {
    this.#timeline = new CounterTimeline(now);
  }

  /** Counts one request of a kind (token requests aside: {@link countTokenRequest}). */
  count(kind: Exclude<CountedRequest, 'tokenRequests'> | 'adminRequests'): void {
    this[kind]++;
    if (kind !== 'adminRequests') this.#timeline.count(kind);
  }

  /** Counts one token request. */
  countTokenRequest(clientId: string, scope: string): void {
    this.tokenRequests++;
    this.#timeline.count('tokenRequests');
    let byScope = this.#byClient.get(clientId);
    if (!byScope) {
      byScope = new Map();
      this.#byClient.set(clientId, byScope);
    }
    byScope.set(scope, (byScope.get(scope) ?? 0) + 1);
  }

  /** Counts one resource call by its status. */
  countResourceCall(status: number): void {
    this.resourceCalls++;
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
    this.#timeline.countResourceCall(status);
  }

  /** The counts of the last minutes, in buckets. */
  history(): CounterHistory {
    return this.#timeline.snapshot();
  }

  /** Token requests matching a filter. */
  tokenRequestCount(clientId?: string, scope?: string): number {
    let total = 0;
    for (const [id, byScope] of this.#byClient) {
      if (clientId !== undefined && id !== clientId) continue;
      for (const [key, count] of byScope) {
        if (scope === undefined || key === scope) total += count;
      }
    }
    return total;
  }

  /** Sets every counter back to zero. */
  reset(): void {
    this.tokenRequests = 0;
    this.tokensIssued = 0;
    this.resourceCalls = 0;
    this.introspections = 0;
    this.pushRequests = 0;
    this.adminRequests = 0;
    this.#byClient.clear();
    this.#byStatus.clear();
    this.#timeline.reset();
  }

  /** A copy of every counter. */
  snapshot(): EmulatorCounters {
    const tokenRequestsByClient: Record<string, Record<string, number>> = {};
    for (const [id, byScope] of this.#byClient) {
      tokenRequestsByClient[id] = Object.fromEntries(byScope);
    }
    return {
      tokenRequests: this.tokenRequests,
      tokenRequestsByClient,
      tokensIssued: this.tokensIssued,
      resourceCalls: this.resourceCalls,
      resourceCallsByStatus: Object.fromEntries(this.#byStatus),
      introspections: this.introspections,
      pushRequests: this.pushRequests,
      adminRequests: this.adminRequests,
    };
  }
}
