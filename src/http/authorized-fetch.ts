import { InsufficientScopeError } from '../errors/insufficient-scope-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { isTokenRequestError } from '../errors/token-request-error.js';
import type { Observer } from '../observer.js';
import { isLoopbackHost, type ResolvedOptions } from '../options.js';
import { normalizeScope, type ScopeInput, scopeCovers, unionScope } from '../scope.js';
import type { AccessToken } from '../token/access-token.js';
import { onAbort } from '../util/on-abort.js';
import {
  LearnedScopes,
  MAX_LEARNED_SCOPE_ELEMENTS,
  MAX_RECOVERIES_PER_WINDOW,
  RECOVERY_WINDOW,
} from './learned-scopes.js';
import {
  classifyChallenge,
  findBearerChallenge,
  parseWwwAuthenticate,
} from './parse-www-authenticate.js';
import {
  prepareReplayableRequest,
  prepareReplayableRequestSync,
  type ReplayableRequest,
} from './replayable-body.js';

/** `RequestInit` plus what `client.fetch` adds. */
export interface AuthorizedRequestInit extends RequestInit {
  /**
   * Scope of the token for this request. Omitted: the scope learned for this resource from an
   * earlier `403 insufficient_scope`, else the client's default scope.
   */
  scope?: ScopeInput | undefined;
  /**
   * Time limit for this request in ms, including the wait for a token and any replay, until the
   * response headers arrive. Overrides the client's `requestTimeout`.
   */
  timeout?: number | undefined;
}

/** A scope with its cache key, as the client memoizes them. */
export interface ScopeEntry {
  readonly scope: readonly string[];
  readonly key: string;
}

/** What {@link AuthorizedFetch} needs from the client's token side. */
export interface TokenSource {
  /** The entry for a caller's scope (validated, normalized, memoized); `undefined` → default. */
  entry(scope: ScopeInput | undefined): ScopeEntry;
  /** The entry for an already normalized scope. */
  entryFor(scope: readonly string[]): ScopeEntry;
  /** A token for the entry (cache, single-flight, refresh). */
  get(entry: ScopeEntry, signal: AbortSignal | undefined): Promise<AccessToken>;
  /** The cached, valid token for the entry without a promise, if the store can tell at once. */
  peek(entry: ScopeEntry): AccessToken | undefined;
  /** Compare-and-invalidate. */
  invalidate(token: AccessToken): Promise<boolean>;
}

/** @internal The client options the authorized fetch reads (resolved, see `options.ts`). */
export type AuthorizedFetchOptions = Pick<
  ResolvedOptions,
  | 'fetch'
  | 'now'
  | 'origins'
  | 'allowInsecureHttp'
  | 'replay'
  | 'replayNonIdempotent'
  | 'maxReplayBodyBytes'
  | 'requestTimeout'
>;

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** Step-ups per request, each for a distinct challenge: never a loop. */
const MAX_STEP_UPS = 3;

/**
 * `fetch` with a token: attaches `Authorization: Bearer …` to allowed origins only, follows
 * redirects without ever carrying the token to another origin, and recovers once from a rejected
 * token (`401`) and from a missing scope (`403 insufficient_scope`).
 *
 * The one implementation of these decisions: `client.fetch` is this, and `client.ky` passes it to
 * ky as its `fetch`, so both paths behave the same.
 */
export class AuthorizedFetch {
  readonly #options: AuthorizedFetchOptions;
  readonly #tokens: TokenSource;
  readonly #observer: Observer;
  readonly #learned = new LearnedScopes<ScopeEntry>((entry) => entry.key);
  /** Parsed request URLs by their text: the hot path calls the same few URLs over and over. */
  readonly #targets = new Map<string, Target>();
  /** Final responses of redirects that left the request's origin: their challenges are not ours. */
  readonly #foreign = new WeakSet<Response>();
  /** What was warned about already (bounded): one line per origin or resource, not per request. */
  readonly #warned = new Set<string>();

  /**
   * @param options - Resolved options.
   * @param tokens - The client's token side.
   * @param observer - Stats, logs and hooks.
   */
  constructor(options: AuthorizedFetchOptions, tokens: TokenSource, observer: Observer) {
    this.#options = options;
    this.#tokens = tokens;
    this.#observer = observer;
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
    let timeout = this.#options.requestTimeout;
    if (init !== undefined && ('scope' in init || 'timeout' in init)) {
      const { scope, timeout: perRequest, ...others } = init;
      scopeInput = scope;
      timeout = perRequest ?? timeout;
      rest = others;
    }
    try {
      const target = this.#target(input);
      const callerSignal =
        rest?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
      if (timeout === undefined) return this.#route(input, rest, target, scopeInput, callerSignal);
      return this.#timed(input, rest, target, scopeInput, callerSignal, timeout);
    } catch (error) {
      // Like fetch: a bad URL or scope rejects, it never throws synchronously.
      return Promise.reject(error);
    }
  }

  async #timed(
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    target: Target,
    scopeInput: ScopeInput | undefined,
    callerSignal: AbortSignal | undefined,
    timeout: number,
  ): Promise<Response> {
    // One controller and one timer per request, linked to the caller's signal through its single
    // listener: `AbortSignal.any` and `AbortSignal.timeout` cost more (bench section 1c), and in
    // Node 20 the signals `any` combines with a long-lived one are never freed.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TimeoutError(target.resource, timeout)),
      timeout,
    );
    let unlink: (() => void) | undefined;
    if (callerSignal?.aborted) controller.abort(callerSignal.reason);
    else if (callerSignal !== undefined) unlink = linkWeakly(callerSignal, controller);
    const { signal } = controller;
    try {
      const response = await this.#route(input, { ...init, signal }, target, scopeInput, signal);
      // The limit runs until the response headers arrive; the caller's own signal keeps covering
      // the body after that, as with fetch, until the body is gone.
      if (unlink !== undefined) {
        if (response.body === null) unlink();
        else {
          controllerOfBody.set(response.body, controller);
          bodyCollected.register(response.body, unlink);
        }
      }
      return response;
    } catch (error) {
      unlink?.();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The parsed URL of a request and what the policy says of it, memoized for string URLs. */
  #target(input: RequestInfo | URL): Target {
    if (typeof input === 'string') {
      let target = this.#targets.get(input);
      if (target === undefined) {
        target = this.#parseTarget(new URL(input));
        if (this.#targets.size >= MAX_TARGETS) this.#targets.clear();
        this.#targets.set(input, target);
      }
      return target;
    }
    return this.#parseTarget(new URL(input instanceof URL ? input.href : input.url));
  }

  #parseTarget(url: URL): Target {
    return { url, resource: url.origin + url.pathname, allowed: this.#allowed(url) };
  }

  #route(
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    target: Target,
    scopeInput: ScopeInput | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    if (!target.allowed) {
      const sent = this.#options.fetch(input, init);
      // Only worth a hop when someone reads the warning.
      return this.#observer.logging
        ? sent.then((response) => {
            if (response.status === 401 || response.status === 403) {
              this.#warnUnsentChallenge(response, target.url);
            }
            return response;
          })
        : sent;
    }
    if (init === undefined && scopeInput === undefined && !(input instanceof Request)) {
      // The hottest path, `client.fetch(url)` on a cached token: nothing to prepare, and the
      // same init fetch would get from the caller plus our header.
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
    if (prepared !== undefined)
      return this.#authorized(prepared, input, init, target, scopeInput, signal);
    return prepareReplayableRequest(input, init, {
      maxBufferedBytes: this.#options.maxReplayBodyBytes,
    }).then((p) => this.#authorized(p, input, init, target, scopeInput, signal));
  }

  /** Whether a token may be sent to `url`'s origin. */
  #allowed(url: URL): boolean {
    const { origins } = this.#options;
    if (origins !== '*') return origins.has(url.origin);
    if (url.protocol === 'https:') return true;
    // With '*', plain http only where the token cannot be sniffed (or the user said so).
    return (
      url.protocol === 'http:' && (this.#options.allowInsecureHttp || isLoopbackHost(url.hostname))
    );
  }

  #authorized(
    prepared: ReplayableRequest,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    target: Target,
    scopeInput: ScopeInput | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const headers = prepared.headers();
    // The caller's own Authorization header wins: it is not our token, so it is neither replaced
    // nor retried.
    if (headers.has('authorization')) return this.#options.fetch(...prepared.build(headers));

    const { resource } = target;
    const learned = scopeInput === undefined ? this.#learned.get(resource) : undefined;
    const entry = learned ?? this.#tokens.entry(scopeInput);
    const request: Exchange = { prepared, input, init, target, signal, entry, token: undefined };
    const cached = this.#tokens.peek(entry);
    if (cached !== undefined) return this.#sendChecked(request, headers, cached);
    return this.#tokens.get(entry, signal).then(
      (token) => this.#sendChecked(request, headers, token),
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
    const request: Exchange = {
      prepared,
      input,
      init: undefined,
      target,
      signal: undefined,
      entry,
      token,
    };
    const followed = REDIRECTS.has(response.status)
      ? this.#follow(request, response, { redirect: 'manual' }, token)
      : Promise.resolve(response);
    return followed.then((final) =>
      (final.status === 401 || final.status === 403) && !this.#foreign.has(final)
        ? this.#recover(request, final)
        : final,
    );
  }

  /** Sends with `token`; a 401/403 answered on our own origin goes to {@link #recover}. */
  #sendChecked(request: Exchange, headers: Headers, token: AccessToken): Promise<Response> {
    request.token = token;
    return this.#send(request, headers, token).then((response) =>
      (response.status === 401 || response.status === 403) && !this.#foreign.has(response)
        ? this.#recover(request, response)
        : response,
    );
  }

  /** The 401 re-token and 403 step-up loop: each at most once per distinct cause. */
  async #recover(request: Exchange, first: Response): Promise<Response> {
    const { prepared, target, signal } = request;
    const { resource } = target;
    const stats = this.#observer.stats;
    let { entry } = request;
    let token = request.token as AccessToken;
    let response = first;
    let retokened = false;
    let stepUps = 0;
    let challenges: Set<string> | undefined;
    for (;;) {
      // A challenge from another origin, reached through a redirect, is not about our token.
      if (this.#foreign.has(response)) return response;
      const header = response.headers.get('www-authenticate');
      const action = classifyChallenge(response.status, header);
      if (action.kind === 'none') return response;
      const replay = this.#mayReplay(prepared);

      try {
        if (action.kind === 'retoken') {
          if (retokened) {
            stats.rejectedAfterReplay++;
            return response;
          }
          const now = this.#options.now();
          if (!this.#learned.mayRetoken(resource, token, now)) {
            // It rejects every new token: not a token problem. Leave the token to the resources
            // that accept it.
            this.#warnOnce(
              `retoken ${resource}`,
              `${resource} rejected ${MAX_RECOVERIES_PER_WINDOW} new tokens in ${RECOVERY_WINDOW / 60_000} minutes (401); its 401s are returned as they are for now, with no new token. Check what it expects.`,
            );
            return response;
          }
          retokened = true;
          this.#learned.retokened(resource, token, now);
          // Drop the rejected token even when this request cannot be replayed, so that the next
          // one does not send it again.
          await this.#tokens.invalidate(token);
          if (!replay) return this.#notReplayed(response, resource, prepared);
          token = await this.#tokens.get(entry, signal);
          stats.reauthentications++;
          this.#observer.log('debug', `401 from ${resource}: replaying once with a new token.`);
        } else {
          // One try per distinct challenge, a few at most: never a loop.
          challenges ??= new Set();
          const required = normalizeScope(action.scope);
          const union = unionScope(entry.scope, required);
          if (
            challenges.has(header as string) ||
            stepUps >= MAX_STEP_UPS ||
            (union.length === entry.scope.length && scopeCovers(token.scope, required))
          ) {
            stats.rejectedAfterReplay++;
            return response;
          }
          const next = this.#tokens.entryFor(union);
          if (
            union.length > MAX_LEARNED_SCOPE_ELEMENTS ||
            !this.#learned.mayStepUp(resource, next, this.#options.now())
          ) {
            this.#warnOnce(
              `step-up ${resource}`,
              `${resource} keeps asking for more scope (403 insufficient_scope): ${union.length > MAX_LEARNED_SCOPE_ELEMENTS ? `a scope of ${union.length} elements, more than ${MAX_LEARNED_SCOPE_ELEMENTS}` : `more step-ups than ${MAX_RECOVERIES_PER_WINDOW} in ${RECOVERY_WINDOW / 60_000} minutes`}. Its 403 is returned as it is, with no new token; pass \`scope\` for it explicitly if it is right.`,
            );
            return response;
          }
          challenges.add(header as string);
          stepUps++;
          if (!replay) {
            // Learn anyway: the next request to this resource asks for the right scope at once.
            this.#learned.set(resource, next, this.#options.now());
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
          this.#learned.set(resource, next, this.#options.now());
          stats.stepUps++;
          this.#observer.log(
            'debug',
            `403 insufficient_scope from ${resource}: replaying with scope "${union.join(' ')}".`,
          );
        }
      } catch (error) {
        await cancel(response);
        throw error;
      }
      await cancel(response);
      response = await this.#send(request, prepared.headers(), token);
    }
  }

  #mayReplay(prepared: ReplayableRequest): boolean {
    return (
      this.#options.replay &&
      prepared.replayable &&
      (this.#options.replayNonIdempotent || IDEMPOTENT.has(prepared.method))
    );
  }

  #notReplayed(response: Response, resource: string, prepared: ReplayableRequest): Response {
    this.#observer.log(
      'debug',
      `${response.status} from ${resource} not replayed (${prepared.replayable ? (this.#options.replay ? `method ${prepared.method}` : 'replay: false') : prepared.reason}).`,
    );
    return response;
  }

  /**
   * Sends the request with the token and follows redirects by hand: the token goes only to hops
   * on the request's own origin, whatever the `fetch` implementation would do. A final response
   * from another origin is remembered in {@link #foreign}.
   */
  #send(request: Exchange, headers: Headers, token: AccessToken): Promise<Response> {
    const { prepared, input, init } = request;
    headers.set('authorization', token.authorization);
    const [sendInput, sendInit] = prepared.build(headers);
    const mode = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow');
    if (mode !== 'follow') return this.#options.fetch(sendInput, sendInit);
    sendInit.redirect = 'manual';
    return this.#options
      .fetch(sendInput, sendInit)
      .then((response) =>
        REDIRECTS.has(response.status)
          ? this.#follow(request, response, sendInit, token)
          : response,
      );
  }

  async #follow(
    request: Exchange,
    first: Response,
    sendInit: RequestInit,
    token: AccessToken,
  ): Promise<Response> {
    const { prepared, input, target, signal } = request;
    const { url } = target;
    let response = first;
    let current = url;
    let method = prepared.method;
    let body = sendInit.body;
    // What the caller set besides method, headers and body (dispatcher, keepalive, cache…)
    // travels with every hop.
    const {
      body: _body,
      headers: _headers,
      duplex: _duplex,
      ...base
    } = (
      input instanceof Request ? { ...requestOptions(input), ...sendInit } : sendInit
    ) as RequestInit & {
      duplex?: 'half';
    };
    let foreign = false;
    let hop = 0;
    for (; REDIRECTS.has(response.status); hop++) {
      const location = response.headers.get('location');
      if (location === null) break;
      if (hop >= MAX_REDIRECTS) {
        await cancel(response);
        throw new TypeError(
          `confidential-client: more than ${MAX_REDIRECTS} redirects from ${target.resource}`,
        );
      }
      const next = new URL(location, current);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        // What fetch does too: a redirect may only lead to another HTTP(S) URL.
        await cancel(response);
        throw new TypeError(
          `confidential-client: ${target.resource} redirected to a ${next.protocol} URL; only http: and https: redirects are followed.`,
        );
      }
      const status = response.status;
      if (
        status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST'
      ) {
        method = 'GET';
        body = undefined;
      } else if (body !== undefined && body !== null && !prepared.replayable) {
        break; // A one-shot body cannot be sent again; let the caller see the redirect.
      }
      await cancel(response);
      const hopHeaders = prepared.headers();
      if (body === undefined || body === null) {
        for (const name of BODY_HEADERS) hopHeaders.delete(name);
      }
      // Same origin as the request the caller made: the token goes along; any other: it does not.
      foreign = next.origin !== url.origin;
      if (!foreign) hopHeaders.set('authorization', token.authorization);
      const hopInit: RequestInit & { duplex?: 'half' } = {
        ...base,
        method,
        headers: hopHeaders,
        redirect: 'manual',
      };
      const hopBody =
        body === undefined || body === null ? undefined : prepared.build(hopHeaders)[1].body;
      if (hopBody !== undefined && hopBody !== null) {
        hopInit.body = hopBody;
        if (hopBody instanceof ReadableStream) hopInit.duplex = 'half';
      }
      if (signal !== undefined) hopInit.signal = signal;
      response = await this.#options.fetch(next.href, hopInit);
      current = next;
    }
    // As fetch reports it for a redirected response.
    if (hop > 0) Object.defineProperty(response, 'redirected', { value: true });
    if (foreign) {
      this.#foreign.add(response);
      if (response.status === 401 || response.status === 403) {
        const url = new URL(current);
        if (!this.#allowed(url)) this.#warnUnsentChallenge(response, url);
      }
    }
    return response;
  }

  /**
   * A Bearer challenge from an origin tokens are not sent to is most often a configuration slip
   * (`127.0.0.1` where `serverUrl` says `localhost`): say so once per origin.
   */
  #warnUnsentChallenge(response: Response, url: URL): void {
    const key = `origin ${url.origin}`;
    if (!this.#observer.logging || this.#warned.has(key)) return;
    const header = response.headers.get('www-authenticate');
    if (header === null || findBearerChallenge(parseWwwAuthenticate(header)) === undefined) return;
    const { origins, allowInsecureHttp } = this.#options;
    const clear = url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname);
    const how =
      origins === '*'
        ? "origins: '*' covers https: origins and loopback http: only; for this one, set allowInsecureHttp: true (tokens then cross the network in clear)"
        : `add it to \`origins\`: origins: [${[...origins, url.origin].map((o) => `'${o}'`).join(', ')}]${clear ? ', with allowInsecureHttp: true (tokens then cross the network in clear)' : ''}`;
    this.#warnOnce(
      key,
      `${url.origin} answered ${response.status} with a Bearer challenge, but no token is sent there (${origins === '*' ? "origins: '*'" : `origins: ${[...origins].join(', ')}`}). If it is one of your resources, ${how}.`,
    );
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    if (this.#warned.size >= MAX_WARNED) this.#warned.clear();
    this.#warned.add(key);
    this.#observer.log('warn', message);
  }
}

/** A request URL with what the client decided about it. */
interface Target {
  readonly url: URL;
  /** Origin + path: the key of learned scopes. */
  readonly resource: string;
  /** Whether the token may go there. */
  readonly allowed: boolean;
}

/** One `client.fetch` call as it goes through sends, redirects and replays. */
interface Exchange {
  readonly prepared: ReplayableRequest;
  readonly input: RequestInfo | URL;
  readonly init: RequestInit | undefined;
  readonly target: Target;
  readonly signal: AbortSignal | undefined;
  readonly entry: ScopeEntry;
  /** The token of the first send. */
  token: AccessToken | undefined;
}

/** The most origins and resources remembered as warned about. */
const MAX_WARNED = 1_000;

/** The most request URLs whose parsing is remembered. */
const MAX_TARGETS = 1_000;

const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/** The options of a `Request` that fetch would apply to a redirect hop. */
function requestOptions(request: Request): RequestInit {
  return {
    cache: request.cache,
    credentials: request.credentials,
    integrity: request.integrity,
    keepalive: request.keepalive,
    mode: request.mode,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
  };
}

function isInvalidScope(error: unknown): boolean {
  return isTokenRequestError(error) && error.error === 'invalid_scope';
}

/**
 * Unlinks a request from its caller's signal once the response body can no longer be read: the
 * caller's abort covers the body until then, and a long-lived signal keeps nothing afterwards.
 */
const bodyCollected = new FinalizationRegistry<() => void>((unlink) => unlink());

/** Each linked request's controller, alive exactly as long as its response body. */
const controllerOfBody = new WeakMap<ReadableStream, AbortController>();

/**
 * Aborts `controller` when the caller's `signal` aborts, holding the controller only weakly: the
 * link is kept until the body is collected, and a fetch whose abort listener reaches the body (a
 * wrapper that errors its body on abort, say) would otherwise keep the body alive from the link,
 * and the finalizer would never run. A function of its own, so that the callback's closure holds
 * nothing but the `WeakRef`.
 */
function linkWeakly(signal: AbortSignal, controller: AbortController): () => void {
  const ref = new WeakRef(controller);
  return onAbort(signal, (reason) => ref.deref()?.abort(reason));
}

async function cancel(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Already consumed or errored: nothing to release.
  }
}
