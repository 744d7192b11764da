/**
 * Faults a test can inject: latency, and failures of the next token requests, introspections
 * and push requests.
 *
 * @module
 */

import { type PushFault, resolvePushFault } from './push-faults.js';

/**
 * How a token request fails:
 * - `server-error`: a 5xx status (`status`, default 503) with a plain-text body;
 * - `rate-limit`: `429 Too Many Requests` with `Retry-After: <retryAfter>` (seconds, default 1);
 * - `malformed`: `200` with `Content-Type: application/json` and a truncated JSON body;
 * - `drop`: the connection is dropped with no answer. Over HTTP the dev server destroys the
 *   socket; under MSW the request fails as a network error (`Response.error()`), and
 *   {@link MobileFirstEmulator.handle} returns `Response.error()`.
 */
export type TokenFault =
  | { readonly kind: 'server-error'; readonly status?: number }
  | { readonly kind: 'rate-limit'; readonly retryAfter?: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'drop' };

/**
 * How an introspection request fails: any {@link TokenFault}, or an answer only introspection
 * gives:
 * - `conflict`: `409 Conflict`, which IBM's validators pass on to the app with `MFP-Conflict: true`;
 * - `invalid-token`: `401 WWW-Authenticate: Bearer error="invalid_token"`, as if the caller's
 *   token had been revoked;
 * - `insufficient-scope`: `403 Bearer error="insufficient_scope", scope="authorization.introspect"`,
 *   as if the caller's token lacked the scope.
 *
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-api-docs/html/refrest-mfp-server-runtime/html/introspectUsingPOST_1.html
 */
export type IntrospectionFault =
  | TokenFault
  | { readonly kind: 'conflict' }
  | { readonly kind: 'invalid-token' }
  | { readonly kind: 'insufficient-scope' };

/** The routes the emulator serves, to aim latency at one of them. */
export type EmulatorRoute = 'token' | 'introspection' | 'resource' | 'push' | 'admin';

/** The faults each route can be switched to by {@link MobileFirstEmulator.setFault}. */
export interface RouteFaults {
  readonly token: TokenFault;
  readonly introspection: IntrospectionFault;
  readonly push: PushFault;
}

/** The injected faults as they stand: what {@link MobileFirstEmulator.faults} returns. */
export interface EmulatorFaults {
  /** The faults switched on by {@link MobileFirstEmulator.setFault}, by route (with defaults). */
  readonly switched: Partial<RouteFaults>;
  /** Failures still queued by the `failNext…` methods, by route. */
  readonly queued: {
    readonly token: number;
    readonly introspection: number;
    readonly push: number;
  };
  /** Latency in ms set by {@link MobileFirstEmulator.setLatency}, by route or `all`. */
  readonly latency: Partial<Record<EmulatorRoute | 'all', number>>;
}

const FAULT_ROUTES = ['token', 'introspection', 'push'] as const;

/**
 * Validates a fault.
 *
 * @param fault - The fault to check.
 * @returns The fault with its defaults.
 * @throws TypeError for an unknown kind; RangeError for a bad status or Retry-After.
 * @internal
 */
export function resolveFault(fault: TokenFault): TokenFault {
  switch (fault?.kind) {
    case 'server-error': {
      const status = fault.status ?? 503;
      if (!Number.isInteger(status) || status < 500 || status > 599) {
        throw new RangeError('a server-error fault needs a status between 500 and 599');
      }
      return { kind: 'server-error', status };
    }
    case 'rate-limit': {
      const retryAfter = fault.retryAfter ?? 1;
      if (!Number.isInteger(retryAfter) || retryAfter < 0) {
        throw new RangeError(
          'a rate-limit fault needs retryAfter as an integer number of seconds ≥ 0',
        );
      }
      return { kind: 'rate-limit', retryAfter };
    }
    case 'malformed':
    case 'drop':
      return { kind: fault.kind };
    default:
      throw new TypeError(
        "a token fault needs kind 'server-error', 'rate-limit', 'malformed' or 'drop'",
      );
  }
}

/**
 * The answer for a fault.
 *
 * @param fault - A resolved fault.
 * @returns The response (`Response.error()` for `drop`).
 * @internal
 */
export function faultResponse(fault: TokenFault): Response {
  switch (fault.kind) {
    case 'server-error':
      return new Response('Service Unavailable (fault injected by the MobileFirst emulator)', {
        status: fault.status ?? 503,
        headers: { 'content-type': 'text/plain' },
      });
    case 'rate-limit':
      return new Response(JSON.stringify({ error: 'too_many_requests' }), {
        status: 429,
        headers: {
          'content-type': 'application/json',
          'retry-after': String(fault.retryAfter ?? 1),
        },
      });
    case 'malformed':
      return new Response('{"access_token":"eyJhbGciOiJSUzI1NiIsImp', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    case 'drop':
      return Response.error();
  }
}

/**
 * Validates an introspection fault.
 *
 * @param fault - The fault to check.
 * @returns The fault with its defaults.
 * @throws TypeError for an unknown kind; RangeError for a bad status or Retry-After.
 * @internal
 */
export function resolveIntrospectionFault(fault: IntrospectionFault): IntrospectionFault {
  switch (fault?.kind) {
    case 'conflict':
    case 'invalid-token':
    case 'insufficient-scope':
      return { kind: fault.kind };
    default:
      try {
        return resolveFault(fault);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        throw new TypeError(
          "an introspection fault needs kind 'server-error', 'rate-limit', 'malformed', 'drop', 'conflict', 'invalid-token' or 'insufficient-scope'",
        );
      }
  }
}

/**
 * Fault state: queues of token-request, introspection and push-request failures, the faults
 * switched on per route (after the queue), and per-route latency.
 * @internal
 */
export class FaultState {
  readonly #queue: TokenFault[] = [];
  readonly #introspection: IntrospectionFault[] = [];
  readonly #pushQueue: PushFault[] = [];
  readonly #latency = new Map<EmulatorRoute | 'all', number>();
  #switched: { -readonly [R in keyof RouteFaults]?: RouteFaults[R] } = {};

  /** Switches a route's fault on (a fault) or off (`undefined`). */
  setFault<R extends keyof RouteFaults>(route: R, fault: RouteFaults[R] | undefined): void {
    if (!FAULT_ROUTES.includes(route)) {
      throw new TypeError(`setFault(route, fault): route must be ${FAULT_ROUTES.join(', ')}`);
    }
    if (fault === undefined) {
      delete this.#switched[route];
      return;
    }
    const resolve = {
      token: resolveFault,
      introspection: resolveIntrospectionFault,
      push: resolvePushFault,
    }[route] as (fault: RouteFaults[R]) => RouteFaults[R];
    this.#switched[route] = resolve(fault);
  }

  /** A copy of the fault settings. */
  snapshot(): EmulatorFaults {
    return {
      switched: { ...this.#switched },
      queued: {
        token: this.#queue.length,
        introspection: this.#introspection.length,
        push: this.#pushQueue.length,
      },
      latency: Object.fromEntries(this.#latency),
    };
  }

  /** Queues `count` failures. */
  failNext(count: number, fault: TokenFault): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError('failNextTokenRequests(count, fault): count must be an integer ≥ 1');
    }
    const resolved = resolveFault(fault);
    for (let i = 0; i < count; i++) this.#queue.push(resolved);
  }

  /** Queues `count` introspection failures. */
  failNextIntrospections(count: number, fault: IntrospectionFault): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError('failNextIntrospections(count, fault): count must be an integer ≥ 1');
    }
    const resolved = resolveIntrospectionFault(fault);
    for (let i = 0; i < count; i++) this.#introspection.push(resolved);
  }

  /** Takes the next queued introspection failure, else the switched-on one, if any. */
  takeIntrospection(): IntrospectionFault | undefined {
    return this.#introspection.shift() ?? this.#switched.introspection;
  }

  /** How many introspection failures are still queued. */
  get pendingIntrospections(): number {
    return this.#introspection.length;
  }

  /** Takes the next queued failure, else the switched-on one, if any. */
  take(): TokenFault | undefined {
    return this.#queue.shift() ?? this.#switched.token;
  }

  /** How many failures are still queued. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queues `count` push failures. */
  failNextPush(count: number, fault: PushFault): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError('failNextPushRequests(count, fault): count must be an integer ≥ 1');
    }
    const resolved = resolvePushFault(fault);
    for (let i = 0; i < count; i++) this.#pushQueue.push(resolved);
  }

  /** Takes the next queued push failure, else the switched-on one, if any. */
  takePush(): PushFault | undefined {
    return this.#pushQueue.shift() ?? this.#switched.push;
  }

  /** How many push failures are still queued. */
  get pendingPush(): number {
    return this.#pushQueue.length;
  }

  /** Sets latency for one route or all. */
  setLatency(ms: number, route: EmulatorRoute | 'all'): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError('setLatency(ms): ms must be a finite number ≥ 0');
    }
    this.#latency.set(route, ms);
  }

  /** The latency of a route: its own setting, else the `all` setting, else 0. */
  latency(route: EmulatorRoute): number {
    return this.#latency.get(route) ?? this.#latency.get('all') ?? 0;
  }

  /** Clears queued and switched-on failures and latency. */
  clear(): void {
    this.#switched = {};
    this.#queue.length = 0;
    this.#introspection.length = 0;
    this.#pushQueue.length = 0;
    this.#latency.clear();
  }
}
