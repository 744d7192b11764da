// Over 300 lines on purpose: the orchestrator of one `client.fetch`. Its decisions live in modules
// of their own (origin-policy, deadline, follow-redirects, recovery, replayable-body); what stays
// is the sequence that ties them to one exchange's state, which reads best in one place.

import type { DpopProver } from '../dpop/dpop-prover.js';
import { InsufficientScopeError } from '../errors/insufficient-scope-error.js';
import { isTokenRequestError } from '../errors/token-request-error.js';
import type { Observer } from '../observer.js';
import type { ResourceInput } from '../options/types.js';
import type { ScopeInput } from '../scope.js';
import type { AccessToken } from '../token/access-token.js';
import { cancelBody } from '../util/cancel-body.js';
import { withDeadline } from './deadline.js';
import type { Exchange, ScopeEntry, Target, TokenSource } from './exchange.js';
import { followRedirects, REDIRECTS } from './follow-redirects.js';
import {
  LearnedScopes,
  MAX_LEARNED_SCOPE_ELEMENTS,
  MAX_RECOVERIES_PER_WINDOW,
  RECOVERY_WINDOW,
} from './learned-scopes.js';
import type { OriginPolicy } from './origin-policy.js';
import { findBearerChallenge, parseWwwAuthenticate } from './parse-www-authenticate.js';
import { decideRecovery, type RecoveryState } from './recovery.js';
import {
  prepareReplayableRequest,
  prepareReplayableRequestSync,
  type ReplayableRequest,
} from './replayable-body.js';
import { RequestTargets } from './request-targets.js';

/** `RequestInit` plus what `client.fetch` adds. */
export interface AuthorizedRequestInit extends RequestInit {
  /**
   * Scope of the token for this request. Omitted: the scope learned for this resource from an
   * earlier `403 insufficient_scope`, else the client's default scope.
   */
  scope?: ScopeInput | undefined;
  /**
   * RFC 8707 resource indicator(s) of the token for this request. Omitted: the client's default
   * `resource`.
   */
  resource?: ResourceInput | undefined;
  /**
   * Time limit for this request in ms, including the wait for a token and any replay, until the
   * response headers arrive. Overrides the client's `requestTimeout`.
   */
  timeout?: number | undefined;
}

/** When a request may be sent again after a `401`/`403` (see `ReplayOptions`). */
export interface ReplayPolicy {
  readonly enabled: boolean;
  readonly nonIdempotent: boolean;
  /** The largest stream body buffered for a replay. */
  readonly maxBodyBytes: number;
}

/** What the authorized fetch is configured with (resolved and checked). */
export interface AuthorizedFetchConfig {
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly origins: OriginPolicy;
  readonly replay: ReplayPolicy;
  /** Default time limit of a request, ms. */
  readonly requestTimeout: number | undefined;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * `fetch` with a token: attaches `Authorization: Bearer …` to allowed origins only, follows
 * redirects without ever carrying the token to another origin, and recovers once from a rejected
 * token (`401`) and from a missing scope (`403 insufficient_scope`).
 *
 * The one implementation of these decisions: `client.fetch` is this, and `client.ky` passes it to
 * ky as its `fetch`, so both paths behave the same. It orchestrates; the decisions live in their
 * own modules (origin policy, deadline, redirects, the recovery decision, replayable bodies).
 */
export class AuthorizedFetch {
  readonly #options: AuthorizedFetchConfig;
  readonly #tokens: TokenSource;
  readonly #observer: Observer;
  readonly #targets: RequestTargets;
  readonly #learned = new LearnedScopes<ScopeEntry>((entry) => entry.key);
  /** Final responses of redirects that left the request's origin: their challenges are not ours. */
  readonly #foreign = new WeakSet<Response>();
  /** With the `dpop` option: signs a proof for each send of a DPoP token. */
  readonly #dpop: DpopProver | undefined;
  /** Responses that brought a new DPoP nonce (a `use_dpop_nonce` answer is worth a replay). */
  readonly #newNonce = new WeakSet<Response>();

  /**
   * @param options - The authorized fetch's configuration.
   * @param tokens - The client's token side.
   * @param observer - Stats, logs and hooks.
   * @param dpop - With the `dpop` option: the proof signer.
   */
  constructor(
    options: AuthorizedFetchConfig,
    tokens: TokenSource,
    observer: Observer,
    dpop?: DpopProver,
  ) {
    this.#options = options;
    this.#tokens = tokens;
    this.#observer = observer;
    this.#dpop = dpop;
    this.#targets = new RequestTargets(options.origins);
  }

  /**
   * Same signature and semantics as the global `fetch`, plus `init.scope` and `init.timeout`.
   *
   * @param input - URL string, `URL` or `Request`.
   * @param init - Request options.
   * @returns The response, whatever its status (like `fetch`).
   */
  fetch(input: RequestInfo | URL, init?: AuthorizedRequestInit): Promise<Response> {
    let rest: RequestInit | undefined = init;
    let scopeInput: ScopeInput | undefined;
    let resourceInput: ResourceInput | undefined;
    let timeout = this.#options.requestTimeout;
    if (init !== undefined && ('scope' in init || 'timeout' in init || 'resource' in init)) {
      const { scope, resource, timeout: perRequest, ...others } = init;
      scopeInput = scope;
      resourceInput = resource;
      timeout = perRequest ?? timeout;
      rest = others;
    }
    const tokenFor: TokenChoice = { scope: scopeInput, resource: resourceInput };
    try {
      const target = this.#targets.of(input);
      const callerSignal =
        rest?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
      if (timeout === undefined) return this.#route(input, rest, target, tokenFor, callerSignal);
      return withDeadline(callerSignal, timeout, target.resource, (signal) =>
        this.#route(input, { ...rest, signal }, target, tokenFor, signal),
      );
    } catch (error) {
      // Like fetch: a bad URL or scope rejects, it never throws synchronously.
      return Promise.reject(error);
    }
  }

  #route(
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    target: Target,
    tokenFor: TokenChoice,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    if (!target.allowed) {
      const sent = this.#options.fetch(input, init);
      // Only worth a hop when someone reads the warning.
      return this.#observer.logging
        ? sent.then((response) => this.#checkUnsent(response, target.url))
        : sent;
    }
    if (init === undefined && this.#dpop === undefined && !(input instanceof Request)) {
      // The hottest path, `client.fetch(url)` on a cached Bearer token: nothing to prepare, and
      // the same init fetch would get from the caller plus our header. (A DPoP proof is signed
      // per request, which takes an await: DPoP clients take the general path.)
      const entry = this.#learned.get(target.resource) ?? this.#tokens.entry(undefined);
      const token = this.#tokens.peek(entry);
      if (token !== undefined) {
        return this.#options
          .fetch(input, { headers: { authorization: token.authorization }, redirect: 'manual' })
          .then((response) =>
            response.status === 401 || response.status === 403 || REDIRECTS.has(response.status)
              ? this.#afterBareSend(response, input, target, entry, token)
              : response,
          );
      }
    }
    // The hot path (a URL, no body to read, a cached token) takes no await until fetch itself.
    const prepared = prepareReplayableRequestSync(input, init);
    const start = (p: ReplayableRequest) =>
      this.#authorized(
        { prepared: p, input, init, target, signal, entry: UNRESOLVED, token: undefined },
        tokenFor,
      );
    if (prepared !== undefined) return start(prepared);
    return prepareReplayableRequest(input, init, {
      maxBufferedBytes: this.#options.replay.maxBodyBytes,
    }).then(start);
  }

  #authorized(exchange: Exchange, tokenFor: TokenChoice): Promise<Response> {
    const { prepared, target } = exchange;
    const headers = prepared.headers();
    // The caller's own Authorization header wins: it is not our token, so it is neither replaced
    // nor retried.
    if (headers.has('authorization')) return this.#options.fetch(...prepared.build(headers));

    const { resource } = target;
    const chosen = this.#tokens.entry(tokenFor.scope, tokenFor.resource);
    // A scope learned for this URL serves calls that name no scope, for the same resource
    // indicators only.
    const known = tokenFor.scope === undefined ? this.#learned.get(resource) : undefined;
    const learned =
      known !== undefined && sameElements(known.resource, chosen.resource) ? known : undefined;
    const entry = learned ?? chosen;
    exchange.entry = entry;
    const cached = this.#tokens.peek(entry);
    if (cached !== undefined) return this.#sendChecked(exchange, headers, cached);
    return this.#tokens.get(entry, exchange.signal).then(
      (token) => this.#sendChecked(exchange, headers, token),
      (error: unknown) => {
        if (learned === undefined || !isInvalidScope(error)) throw error;
        // The server no longer grants what this resource needed: forget it, and say so.
        this.#learned.delete(resource);
        throw new InsufficientScopeError({
          requiredScope: learned.scope,
          requestedScope: learned.scope,
          resource,
          cause: error,
        });
      },
    );
  }

  /** A redirect, 401 or 403 after the hottest path's send: on to the general machinery. */
  #afterBareSend(
    response: Response,
    input: string | URL,
    target: Target,
    entry: ScopeEntry,
    token: AccessToken,
  ): Promise<Response> {
    const prepared = prepareReplayableRequestSync(input) as ReplayableRequest;
    const exchange: Exchange = {
      prepared,
      input,
      init: undefined,
      target,
      signal: undefined,
      entry,
      token,
    };
    const followed = REDIRECTS.has(response.status)
      ? this.#follow(exchange, response, { redirect: 'manual' }, token)
      : Promise.resolve(response);
    return followed.then((final) => this.#checked(exchange, final));
  }

  /** Sends with `token`; a 401/403 answered on our own origin goes to {@link #recover}. */
  #sendChecked(exchange: Exchange, headers: Headers, token: AccessToken): Promise<Response> {
    exchange.token = token;
    return this.#send(exchange, headers, token).then((response) =>
      this.#checked(exchange, response),
    );
  }

  #checked(exchange: Exchange, response: Response): Response | Promise<Response> {
    return (response.status === 401 || response.status === 403) && !this.#foreign.has(response)
      ? this.#recover(exchange, response)
      : response;
  }

  /** The 401 re-token and 403 step-up loop, as {@link decideRecovery} rules, within budgets. */
  async #recover(exchange: Exchange, first: Response): Promise<Response> {
    const { prepared, target, signal } = exchange;
    const { resource } = target;
    const stats = this.#observer.stats;
    const state: RecoveryState = {
      retokened: false,
      nonced: false,
      stepUps: 0,
      challenges: new Set(),
    };
    let { entry } = exchange;
    let token = exchange.token as AccessToken;
    let response = first;
    // When the first 401 came, and whether a replay token older than it was dropped already.
    let rejectedAt: number | undefined;
    let olderDropped = false;
    for (;;) {
      // A challenge from another origin, reached through a redirect, is not about our token.
      if (this.#foreign.has(response)) return response;
      const step = decideRecovery(
        response,
        state,
        entry.scope,
        token.scope,
        token.tokenType,
        this.#newNonce.has(response),
      );
      if (step.kind === 'none') return response;
      if (step.kind === 'rejected-again') {
        const older = rejectedAt !== undefined && token.issuedAt < rejectedAt;
        if (state.retokened && response.status === 401 && older && !olderDropped) {
          // The re-token found a token requested before the 401 came (cached by another caller, or
          // by another process): whatever revoked the first one (a revocation of every token) may
          // have revoked it too, so its 401 says nothing about the resource. Drop it and replay,
          // once, with a token requested after the 401.
          olderDropped = true;
          state.retokened = false;
          continue;
        }
        stats.rejectedAfterReplay++;
        // A brand-new token rejected too: spend the resource's re-token budget.
        if (state.retokened && response.status === 401 && !older) {
          this.#learned.rejectedNewToken(resource, token, this.#options.now());
        }
        return response;
      }
      const replay = this.#mayReplay(prepared);
      const now = this.#options.now();
      try {
        if (step.kind === 'use-nonce') {
          // The resource wants its nonce in the proof (RFC 9449 §9): same token, a new proof.
          state.nonced = true;
          if (!replay) return this.#notReplayed(response, resource, prepared);
          this.#observer.log('debug', `401 use_dpop_nonce from ${resource}: sending again.`);
        } else if (step.kind === 'retoken') {
          if (!this.#learned.mayRetoken(resource, now)) {
            // It rejects every new token: not a token problem. Leave the token to the resources
            // that accept it.
            this.#observer.warnOnce(
              `retoken ${resource}`,
              `${resource} rejected ${MAX_RECOVERIES_PER_WINDOW} brand-new tokens in ${RECOVERY_WINDOW / 60_000} minutes (401); its 401s are returned as they are for now, with no new token. Check what it expects.`,
            );
            return response;
          }
          state.retokened = true;
          rejectedAt ??= now;
          // Drop the rejected token even when this request cannot be replayed, so that the next
          // one does not send it again.
          await this.#tokens.invalidate(token);
          if (!replay) return this.#notReplayed(response, resource, prepared);
          token = await this.#tokens.get(entry, signal);
          stats.reauthentications++;
          this.#observer.hook('onReauthentication', {
            resource,
            scope: entry.scope,
            status: response.status,
          });
          this.#observer.log('debug', `401 from ${resource}: replaying once with a new token.`);
        } else {
          const { union, required } = step;
          const next = this.#tokens.entryFor(union, entry.resource);
          const tooWide = union.length > MAX_LEARNED_SCOPE_ELEMENTS;
          if (tooWide || !this.#learned.mayStepUp(resource, next, now)) {
            this.#observer.warnOnce(
              `step-up ${resource}`,
              `${resource} keeps asking for more scope (403 insufficient_scope): ${tooWide ? `a scope of ${union.length} elements, more than ${MAX_LEARNED_SCOPE_ELEMENTS}` : `more step-ups than ${MAX_RECOVERIES_PER_WINDOW} in ${RECOVERY_WINDOW / 60_000} minutes`}. Its 403 is returned as it is, with no new token; pass \`scope\` for it explicitly if it is right.`,
            );
            return response;
          }
          state.challenges.add(step.challenge);
          state.stepUps++;
          if (!replay) {
            // Learn anyway: the next request to this resource asks for the right scope at once.
            this.#learned.set(resource, next, now);
            return this.#notReplayed(response, resource, prepared);
          }
          try {
            token = await this.#tokens.get(next, signal);
          } catch (error) {
            if (!isInvalidScope(error)) throw error;
            throw new InsufficientScopeError({
              requiredScope: required,
              requestedScope: union,
              resource,
              cause: error,
            });
          }
          entry = next;
          this.#learned.set(resource, next, now);
          stats.stepUps++;
          this.#observer.hook('onStepUp', { resource, scope: union, status: response.status });
          this.#observer.log(
            'debug',
            `403 insufficient_scope from ${resource}: replaying with scope "${union.join(' ')}".`,
          );
        }
      } catch (error) {
        cancelBody(response);
        throw error;
      }
      cancelBody(response);
      response = await this.#send(exchange, prepared.headers(), token);
    }
  }

  #mayReplay(prepared: ReplayableRequest): boolean {
    const { replay } = this.#options;
    return (
      replay.enabled &&
      prepared.replayable &&
      (replay.nonIdempotent || IDEMPOTENT.has(prepared.method))
    );
  }

  #notReplayed(response: Response, resource: string, prepared: ReplayableRequest): Response {
    this.#observer.log(
      'debug',
      `${response.status} from ${resource} not replayed (${prepared.replayable ? (this.#options.replay.enabled ? `method ${prepared.method}` : 'replay: false') : prepared.reason}).`,
    );
    return response;
  }

  /**
   * Sends the request with the token (and, for a DPoP token, a fresh proof), following redirects
   * by hand (see `followRedirects`) unless the caller chose `redirect: 'manual'` or `'error'`.
   */
  #send(exchange: Exchange, headers: Headers, token: AccessToken): Promise<Response> {
    headers.set('authorization', token.authorization);
    const dpop = token.tokenType === 'DPoP' ? this.#dpop : undefined;
    if (dpop === undefined) return this.#sendSigned(exchange, headers, token);
    const { prepared, target } = exchange;
    return dpop.proof(prepared.method, target.url, token.accessToken).then(async (proof) => {
      headers.set('dpop', proof.jwt);
      const response = await this.#sendSigned(exchange, headers, token);
      // The nonce of our origin's answer goes into the next proof (RFC 9449 §9); an answer that
      // brings another than the one sent is worth a replay when it asks for it.
      if (this.#foreign.has(response)) return response;
      const nonce = dpop.nonces.observe(target.url.origin, response);
      if (nonce !== undefined && nonce !== proof.nonce) this.#newNonce.add(response);
      return response;
    });
  }

  #sendSigned(exchange: Exchange, headers: Headers, token: AccessToken): Promise<Response> {
    const { prepared, input, init } = exchange;
    const [sendInput, sendInit] = prepared.build(headers);
    const mode = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow');
    if (mode !== 'follow') return this.#options.fetch(sendInput, sendInit);
    sendInit.redirect = 'manual';
    return this.#options
      .fetch(sendInput, sendInit)
      .then((response) =>
        REDIRECTS.has(response.status)
          ? this.#follow(exchange, response, sendInit, token)
          : response,
      );
  }

  /** Follows redirects; a final response from another origin is remembered in {@link #foreign}. */
  async #follow(
    exchange: Exchange,
    first: Response,
    sendInit: RequestInit,
    token: AccessToken,
  ): Promise<Response> {
    const dpop = token.tokenType === 'DPoP' ? this.#dpop : undefined;
    const { response, foreign } = await followRedirects(
      this.#options.fetch,
      exchange,
      first,
      sendInit,
      (headers, method, url) => {
        headers.set('authorization', token.authorization);
        // A proof is bound to its method and URL: each hop that carries the token gets its own.
        if (dpop === undefined) return;
        return dpop.proof(method, url, token.accessToken).then((proof) => {
          headers.set('dpop', proof.jwt);
        });
      },
    );
    if (foreign === undefined) return response;
    this.#foreign.add(response);
    return this.#options.origins.allows(foreign) ? response : this.#checkUnsent(response, foreign);
  }

  /**
   * A Bearer challenge from an origin tokens are not sent to is most often a configuration slip
   * (`127.0.0.1` where `serverUrl` says `localhost`): say so once per origin.
   */
  #checkUnsent(response: Response, url: URL): Response {
    if (response.status !== 401 && response.status !== 403) return response;
    const key = `origin ${url.origin}`;
    if (!this.#observer.logging || this.#observer.warned(key)) return response;
    const header = response.headers.get('www-authenticate');
    if (header !== null && findBearerChallenge(parseWwwAuthenticate(header)) !== undefined) {
      this.#observer.warnOnce(
        key,
        `${url.origin} answered ${response.status} with a Bearer challenge, but no token is sent there: ${this.#options.origins.advice(url)}.`,
      );
    }
    return response;
  }
}

/** Stands for the entry until the scope is resolved. */
const UNRESOLVED: ScopeEntry = Object.freeze({ scope: [], resource: [], key: '' });

/** What a caller said of the token for one request. */
interface TokenChoice {
  readonly scope: ScopeInput | undefined;
  readonly resource: ResourceInput | undefined;
}

function sameElements(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((element, i) => element === b[i]);
}

function isInvalidScope(error: unknown): boolean {
  return isTokenRequestError(error) && error.error === 'invalid_scope';
}
