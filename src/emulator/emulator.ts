/**
 * The transport-free MobileFirst emulator: a function from a Fetch API `Request` to a `Response`
 * over in-memory state, plus the controls a test needs (clients, protected paths, faults, clock,
 * counters, recorded push messages).
 *
 * Over 300 lines: it is the one public class of the emulator, mostly the TSDoc of its ~30
 * controls, each a line or two that delegates to a module of this folder.
 *
 * @module
 */

import { formatScope, normalizeScope, type ScopeInput } from '../scope.js';
import { abortable } from '../util/abortable.js';
import { AdminTransactions, type AdminWriteFault } from './admin-transactions.js';
import { ClientRegistry, initialClients } from './client-registry.js';
import { DEFAULT_SCOPE } from './constants.js';
import type { EmulatorContext } from './context.js';
import type { CounterHistory } from './counter-history.js';
import { CounterSet, type EmulatorCounters } from './counters.js';
import {
  type EmulatorFaults,
  type EmulatorRoute,
  FaultState,
  type IntrospectionFault,
  type RouteFaults,
  type TokenFault,
} from './faults.js';
import { jsonResponse } from './http-util.js';
import { type IssuedToken, IssuedTokens } from './issued-tokens.js';
import { JwtSigner } from './jwt.js';
import type {
  ConfidentialClientRegistration,
  MobileFirstEmulatorOptions,
  ResolvedEmulatorOptions,
} from './options.js';
import { ProtectedResources, type ProtectOptions } from './protected-resources.js';
import type { PushFault } from './push-faults.js';
import type { RecordedPushMessage } from './push-message.js';
import { assertUniqueIds, resolveEmulatorOptions, validateClient } from './resolve-options.js';
import { findRoute, introspectionPath, tokenPath } from './router.js';

/** The scope that protects the sample adapter resource. */
export const SAMPLE_RESOURCE_SCOPE = 'accessRestricted';

/**
 * Waits through `sleep`, but no longer than until `signal` aborts (a custom `sleep` may ignore the
 * signal). The wait goes through the core's `abortable`, so a signal shared by many requests (a
 * load harness's shutdown signal, under MSW) gets one listener, not one per request.
 *
 * @throws The signal's reason once it aborts.
 */
async function delay(
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  await abortable(sleep(ms, signal), signal);
}

/**
 * An in-memory emulator of a MobileFirst Foundation 8.0 server, as far as confidential clients
 * see it: the token endpoint, introspection, protected adapter resources, push messages and the
 * admin API for confidential clients. Serve it through {@link createMswHandlers} or
 * {@link startDevServer}, or call {@link MobileFirstEmulator.handle} directly.
 *
 * Paths (with `runtime` `mfp`): `POST /mfp/api/az/v1/token`, `POST /mfp/api/az/v1/introspection`,
 * `/mfp/api/adapters/sample/resource` (scope `accessRestricted`),
 * `POST /imfpush/v1/apps/{appId}/messages[/bulk]`, `GET|DELETE /imfpush/v1/apps/{appId}/messages/{id}`,
 * `GET|PUT /mfpadmin/management-apis/2.0/runtimes/mfp/confidentialclients`.
 *
 * @example
 * ```ts
 * const emulator = new MobileFirstEmulator({ clients: [{ id: 'backend', secret: 's3cret', allowedScope: 'send*' }] });
 * const res = await emulator.handle(new Request('http://localhost:9080/mfp/api/az/v1/token', {
 *   method: 'POST',
 *   headers: { authorization: `Basic ${btoa('backend:s3cret')}`, 'content-type': 'application/x-www-form-urlencoded' },
 *   body: 'grant_type=client_credentials&scope=sendMessage',
 * }));
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 */
export class MobileFirstEmulator {
  readonly #ctx: EmulatorContext;
  #clockOffset = 0;

  /**
   * @param options - Mode, runtime, token lifetime, clients, credentials, clock…
   * @throws TypeError or RangeError naming the option that is wrong.
   */
  constructor(options: MobileFirstEmulatorOptions = {}) {
    const resolved = resolveEmulatorOptions(options);
    let transactionId = 0;
    this.#ctx = {
      options: resolved,
      now: () => resolved.now() + this.#clockOffset,
      clients: new ClientRegistry(initialClients(resolved)),
      tokens: new IssuedTokens(),
      signer: new JwtSigner(resolved.ownSigningKey),
      counters: new CounterSet(resolved.now),
      faults: new FaultState(),
      resources: new ProtectedResources(),
      pushMessages: [],
      admin: new AdminTransactions(),
      nextTransactionId: () => ++transactionId,
    };
    if (resolved.sampleResource) {
      this.protect(this.sampleResourcePath, { scope: SAMPLE_RESOURCE_SCOPE });
    }
  }

  /** The resolved options (defaults filled in). */
  get options(): ResolvedEmulatorOptions {
    return this.#ctx.options;
  }

  /** Path of the token endpoint, e.g. `/mfp/api/az/v1/token`. */
  get tokenPath(): string {
    return tokenPath(this.#ctx.options.runtime);
  }

  /** Path of the introspection endpoint, e.g. `/mfp/api/az/v1/introspection`. */
  get introspectionPath(): string {
    return introspectionPath(this.#ctx.options.runtime);
  }

  /** Path of the sample adapter resource, e.g. `/mfp/api/adapters/sample/resource`. */
  get sampleResourcePath(): string {
    return `/${this.#ctx.options.runtime}/api/adapters/sample/resource`;
  }

  /** Path of the admin confidential-clients API, e.g. `/mfpadmin/management-apis/2.0/runtimes/mfp/confidentialclients`. */
  get adminPath(): string {
    return `/mfpadmin/management-apis/2.0/runtimes/${this.#ctx.options.runtime}/confidentialclients`;
  }

  /**
   * Answers one request. Paths the emulator does not serve answer 404; an exception thrown by a
   * resource handler answers 500. A `drop` fault answers `Response.error()`.
   *
   * @param request - A Fetch API request; its path, method, headers, body and signal matter.
   * @returns The response.
   * @throws TypeError if `request` is not a `Request`; the signal's reason (an `AbortError`) if
   *   `request.signal` aborts during injected latency, in which case the request changed nothing.
   */
  async handle(request: Request): Promise<Response> {
    if (!(request instanceof Request)) {
      throw new TypeError(
        'MobileFirstEmulator.handle(request): request must be a Fetch API Request',
      );
    }
    const pathname = new URL(request.url).pathname;
    const route = findRoute(this.#ctx, pathname);
    if (!route) {
      return jsonResponse(404, {
        message: `the MobileFirst emulator does not serve ${request.method} ${pathname}`,
      });
    }
    const latency = this.#ctx.faults.latency(route.name);
    // An aborted request stops here, before the route runs: no token, no fault taken, no count.
    if (latency > 0) await delay(this.#ctx.options.sleep, latency, request.signal);
    try {
      return await route.run(request);
    } catch (error) {
      return jsonResponse(500, {
        message: `the MobileFirst emulator failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  /**
   * Whether the emulator serves a URL's path (anything else answers 404).
   *
   * @param url - An absolute URL.
   * @returns `true` if {@link handle} has a route for it.
   */
  serves(url: string | URL): boolean {
    return findRoute(this.#ctx, new URL(url).pathname) !== undefined;
  }

  /** The emulator's clock in epoch ms: `options.now()` plus every {@link advanceClock}. */
  now(): number {
    return this.#ctx.now();
  }

  /**
   * Moves the emulator's clock forward (tokens expire on this clock).
   *
   * @param ms - Milliseconds to add, ≥ 0.
   * @throws RangeError if `ms` is negative or not finite.
   */
  advanceClock(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError('advanceClock(ms): ms must be a finite number ≥ 0');
    }
    this.#clockOffset += ms;
  }

  /** A copy of the registered confidential clients, secrets included. */
  clients(): ConfidentialClientRegistration[] {
    return this.#ctx.clients.list();
  }

  /**
   * Registers a client, or replaces the one with the same ID. It can get tokens at once.
   *
   * @param client - `{ id, secret, allowedScope, displayName? }`.
   * @throws TypeError if a field is missing or not ASCII.
   */
  registerClient(client: ConfidentialClientRegistration): void {
    this.#ctx.clients.upsert(validateClient(client, 'registerClient(client)'));
  }

  /**
   * Replaces the whole client list, as `PUT …/confidentialclients` does (the predefined clients go
   * unless the list repeats them). Tokens already issued stay valid.
   *
   * @param clients - The new list.
   * @throws TypeError if a client is invalid or an ID repeats.
   */
  setClients(clients: readonly ConfidentialClientRegistration[]): void {
    if (!Array.isArray(clients))
      throw new TypeError('setClients(clients): clients must be an array');
    const valid = clients.map((client, i) => validateClient(client, `setClients(clients)[${i}]`));
    assertUniqueIds(valid, 'setClients(clients)');
    this.#ctx.clients.replace(valid);
  }

  /**
   * Protects a path, and every path under it, with a scope. Requests then answer
   * `401 WWW-Authenticate: Bearer` without a token, `401 Bearer error="invalid_token"` with an
   * unknown, expired or revoked token, `403 Bearer error="insufficient_scope",
   * scope="RegisteredClient <scope>"` when the token lacks the scope, and the handler's answer
   * otherwise. The longest protected prefix wins.
   *
   * @param path - A path such as `/mfp/api/adapters/orders`.
   * @param options - `{ scope, handler? }`.
   * @throws TypeError if the path does not start with `/` or the handler is not a function.
   * @example
   * ```ts
   * emulator.protect('/mfp/api/adapters/orders', {
   *   scope: 'orders.read',
   *   handler: ({ clientId }) => Response.json({ orders: [], clientId }),
   * });
   * ```
   */
  protect(path: string, options: ProtectOptions): void {
    this.#ctx.resources.protect(path, options);
  }

  /**
   * Removes a protection added by {@link protect} (or the sample resource).
   *
   * @param path - The path given to {@link protect}.
   * @returns Whether the path was protected.
   */
  unprotect(path: string): boolean {
    return this.#ctx.resources.unprotect(path);
  }

  /**
   * Push messages accepted so far and not deleted (`DELETE …/messages/{id}`), oldest first:
   * copies, bodies included.
   *
   * @param options - `last`: only the newest `last` messages (still oldest first), so that a
   *   caller who shows a few of many (the dev-server console) does not copy them all.
   * @throws RangeError if `last` is not an integer ≥ 0.
   */
  pushMessages(options: { readonly last?: number } = {}): RecordedPushMessage[] {
    const { last } = options;
    if (last !== undefined && !(Number.isInteger(last) && last >= 0)) {
      throw new RangeError('pushMessages({ last }): last must be an integer ≥ 0');
    }
    const records = this.#ctx.pushMessages;
    return (
      last === undefined ? records : records.slice(records.length - Math.min(last, records.length))
    ).map((record) => ({ ...record, body: structuredClone(record.body) }));
  }

  /** How many push messages {@link pushMessages} holds, without copying them. */
  get pushMessageCount(): number {
    return this.#ctx.pushMessages.length;
  }

  /** Forgets the recorded push messages. */
  clearPushMessages(): void {
    this.#ctx.pushMessages.length = 0;
  }

  /** Every access token issued so far, oldest first: copies, claims included (changing one changes nothing). */
  issuedTokens(): IssuedToken[] {
    return this.#ctx.tokens.list();
  }

  /**
   * Revokes one token: resources answer `401 invalid_token` and introspection `active: false` for
   * it; the client's other tokens stay valid.
   *
   * @param tokenOrId - The access token, or its `jti` claim (what the dev-server console shows).
   * @returns Whether a token not yet revoked was found.
   */
  revokeToken(tokenOrId: string): boolean {
    return this.#ctx.tokens.revoke(tokenOrId);
  }

  /**
   * Revokes every token issued so far: resources answer `401 invalid_token` and introspection
   * `active: false` for them. Tokens issued afterwards are valid.
   *
   * @returns How many tokens were revoked.
   */
  revokeAllTokens(): number {
    return this.#ctx.tokens.revokeAll();
  }

  /**
   * The public key that signs the tokens, as a JWK, to verify a token's RS256 signature.
   *
   * @returns The JWK (`kty`, `n`, `e`, `kid`, `alg`, `use`).
   */
  publicJwk(): Promise<JsonWebKey & { kid: string }> {
    return this.#ctx.signer.publicJwk();
  }

  /**
   * Makes the next `count` token requests fail (they still count in {@link counters}).
   * Faults queue up: calling twice queues both.
   *
   * @param count - How many requests fail, an integer ≥ 1.
   * @param fault - How they fail (see {@link TokenFault}).
   * @throws RangeError for a bad count, status or Retry-After; TypeError for an unknown kind.
   * @example
   * ```ts
   * emulator.failNextTokenRequests(2, { kind: 'rate-limit', retryAfter: 3 });
   * ```
   */
  failNextTokenRequests(count: number, fault: TokenFault): void {
    this.#ctx.faults.failNext(count, fault);
  }

  /** Token-request failures still queued. */
  get pendingTokenFaults(): number {
    return this.#ctx.faults.pending;
  }

  /**
   * Makes the next `count` introspection requests fail, whatever their caller token (they still
   * count in {@link counters}). Faults queue up.
   *
   * @param count - How many requests fail, an integer ≥ 1.
   * @param fault - How they fail (see {@link IntrospectionFault}): a {@link TokenFault}, or
   *   `conflict` (409), `invalid-token` (401) or `insufficient-scope` (403).
   * @throws RangeError for a bad count, status or Retry-After; TypeError for an unknown kind.
   * @example
   * ```ts
   * emulator.failNextIntrospections(1, { kind: 'conflict' });
   * ```
   */
  failNextIntrospections(count: number, fault: IntrospectionFault): void {
    this.#ctx.faults.failNextIntrospections(count, fault);
  }

  /** Introspection failures still queued. */
  get pendingIntrospectionFaults(): number {
    return this.#ctx.faults.pendingIntrospections;
  }

  /**
   * Makes the next `count` push requests fail (sends, bulk sends, GET and DELETE of a message),
   * each in place of an answer that would have been a success. They still count in
   * {@link counters}. Faults queue up: calling twice queues both.
   *
   * @param count - How many requests fail, an integer ≥ 1.
   * @param fault - How they fail (see {@link PushFault}); `accepted: true` records the message
   *   before the failure, as a server that acted but whose answer was lost.
   * @throws RangeError for a bad count, status or Retry-After; TypeError for an unknown kind.
   * @example
   * ```ts
   * emulator.failNextPushRequests(3, { kind: 'rate-limit', retryAfter: 1 });
   * emulator.failNextPushRequests(1, { kind: 'server-error', status: 502, accepted: true });
   * ```
   */
  failNextPushRequests(count: number, fault: PushFault): void {
    this.#ctx.faults.failNextPush(count, fault);
  }

  /** Push-request failures still queued. */
  get pendingPushFaults(): number {
    return this.#ctx.faults.pendingPush;
  }

  /**
   * Switches a fault on for a route: every request of the route fails with it (once the queued
   * `failNext…` failures are used up) until it is switched off with `undefined`, or by
   * {@link clearFaults}. To watch a client ride out an outage, where `failNext…` plays a blip.
   *
   * @param route - `token`, `introspection` or `push`.
   * @param fault - A {@link TokenFault}, {@link IntrospectionFault} or {@link PushFault} for that
   *   route; `undefined` switches the route's fault off.
   * @throws TypeError for another route or an unknown kind; RangeError for a bad status or Retry-After.
   * @example
   * ```ts
   * emulator.setFault('token', { kind: 'server-error', status: 503 });
   * // … every token request answers 503 …
   * emulator.setFault('token', undefined);
   * ```
   */
  setFault<R extends keyof RouteFaults>(route: R, fault: RouteFaults[R] | undefined): void {
    this.#ctx.faults.setFault(route, fault);
  }

  /** The injected faults as they stand: switched on, queued, latency. A copy. */
  faults(): EmulatorFaults {
    return this.#ctx.faults.snapshot();
  }

  /**
   * Delays every answer of a route (or of all routes) by `ms`, through `options.sleep`.
   *
   * @param ms - Milliseconds ≥ 0; 0 removes the delay.
   * @param route - The route to slow down. @default 'all'
   * @throws RangeError if `ms` is negative or not finite.
   */
  setLatency(ms: number, route: EmulatorRoute | 'all' = 'all'): void {
    this.#ctx.faults.setLatency(ms, route);
  }

  /**
   * Removes latency, queued and switched-on token-request, introspection and push-request
   * failures, and the admin API's faults and hooks.
   */
  clearFaults(): void {
    this.#ctx.faults.clear();
    this.#ctx.admin.clear();
  }

  /**
   * Runs `callback` once, right after the next read of the admin client list (`GET
   * …/confidentialclients`) and before that read is answered: the answer holds the list as it was
   * before the callback. Plays a second administrator who writes between a client's read and its
   * write. Callbacks queue up, one per read.
   *
   * @param callback - Changes the list, e.g. `() => emulator.registerClient(…)`; awaited.
   * @throws TypeError if `callback` is not a function.
   * @example
   * ```ts
   * emulator.onNextAdminRead(() => emulator.registerClient({ id: 'other', secret: 'x', allowedScope: '' }));
   * ```
   */
  onNextAdminRead(callback: () => void | Promise<void>): void {
    this.#ctx.admin.onNextRead(callback);
  }

  /**
   * Makes the next valid write of the admin client list fail: a synchronous `PUT` answers
   * `fault.status` with a `FAILURE` transaction whose `errors[0].details` is `fault.details`; with
   * `?async=true` the `PUT` answers `PENDING` and the transaction ends `FAILURE`. The list stays as
   * it was. Faults queue up, one per write.
   *
   * @param fault - `{ details, status? }` (status 400–599, default 500).
   * @throws TypeError for empty details; RangeError for a bad status.
   */
  failNextAdminWrite(fault: AdminWriteFault): void {
    this.#ctx.admin.failNextWrite(fault);
  }

  /**
   * How many reads of an asynchronous admin transaction (`GET …/transactions/{id}`) answer
   * `PENDING` before it ends; the read after them applies it (or fails it) and answers `SUCCESS`
   * (or `FAILURE`). Applies to writes started afterwards. `Infinity` keeps them pending forever.
   *
   * @param reads - An integer ≥ 0, or `Infinity`. @default 1
   * @throws RangeError for anything else.
   */
  setAdminTransactionReads(reads: number): void {
    this.#ctx.admin.setPendingReads(reads);
  }

  /** A snapshot of the request counters. */
  counters(): EmulatorCounters {
    return this.#ctx.counters.snapshot();
  }

  /**
   * Counts token requests, optionally for one client and/or one scope.
   *
   * @param filter - `clientId` as sent; `scope` compared after normalization (order and repeats do
   *   not matter; an empty scope means `RegisteredClient`).
   * @returns The number of matching token requests.
   */
  tokenRequestCount(filter: { clientId?: string; scope?: ScopeInput } = {}): number {
    const scope =
      filter.scope === undefined ? undefined : formatScope(normalizeScope(filter.scope));
    return this.#ctx.counters.tokenRequestCount(
      filter.clientId,
      scope === '' ? DEFAULT_SCOPE : scope,
    );
  }

  /**
   * The counters of the last five minutes, in five-second buckets (only those that counted
   * something), on the base clock `options.now`: the dev-server console's charts.
   */
  counterHistory(): CounterHistory {
    return this.#ctx.counters.history();
  }

  /** Sets every counter back to zero, and forgets their history. */
  resetCounters(): void {
    this.#ctx.counters.reset();
  }
}
