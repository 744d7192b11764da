// Just over 300 lines: the public class, whose TSDoc (options, answers, middleware examples) is most
// of it; its pieces (introspector, cache, adapters, required scope) are modules of their own.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ConfidentialClient, ConfigurationError, type ScopeInput } from 'confidential-client';
import { type AuthorizationDecision, authorize, type CheckAuthorization } from './authorize.js';
import { type ExpressMiddleware, expressMiddleware } from './express-middleware.js';
import { type FastifyPreHandler, fastifyPreHandler } from './fastify-hook.js';
import { type FetchGuard, fetchGuard } from './fetch-guard.js';
import { IntrospectionCache, tokenDigest } from './introspection-cache.js';
import { type IntrospectionAnswer, Introspector, shownUrl } from './introspector.js';
import {
  type NodeLikeRequest,
  type NodeLikeResponse,
  type ProtectedHandler,
  type ProtectedListener,
  protectListener,
} from './node-listener.js';
import { parseBearerAuthorization } from './parse-bearer-authorization.js';
import { grantsRequired, requiredElements } from './required-scope.js';
import {
  type ResolvedValidatorOptions,
  resolveValidatorOptions,
  type TokenValidatorOptions,
} from './token-validator-options.js';
import {
  CONFLICT,
  INVALID_TOKEN,
  insufficientScope,
  MISSING_TOKEN,
  type ValidationResult,
} from './validation-result.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Validates the bearer tokens a resource server receives, through MobileFirst's introspection
 * endpoint, and answers refused requests exactly as MobileFirst does (401 `Bearer`, 401
 * `invalid_token`, 403 `insufficient_scope` with the required scope, 409 `MFP-Conflict`).
 *
 * - Its own token (`authorization.introspect`) comes from a `ConfidentialClient`: cached, renewed,
 *   single-flight; a 401/403 from introspection gets a new one and one retry.
 * - Answers for active tokens are cached until the token's `exp` (ms or s) in a bounded LRU keyed
 *   by the token's SHA-256; concurrent checks of one token share one introspection call.
 * - Nothing in the token itself is trusted (a JWT's claims or embedded key are never read).
 * - Scope: every required element must be granted, compared exactly (a `*` in a granted scope is
 *   an ordinary character: wildcards exist only in a client's *allowed* scope, at the token
 *   endpoint); `RegisteredClient` is granted to every active token.
 *
 * @example
 * ```ts
 * const validator = new TokenValidator({ serverUrl: 'https://mfp.example.com', clientId: 'rs', clientSecret: process.env.RS_SECRET! });
 * app.get('/orders', validator.express('orders.read'), (req, res) => res.json({ for: req.mfp?.clientId }));
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/protecting-external-resources/
 * @see https://www.rfc-editor.org/rfc/rfc7662
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class TokenValidator implements AsyncDisposable {
  readonly #options: ResolvedValidatorOptions;
  readonly #introspector: Introspector;
  readonly #cache: IntrospectionCache;
  readonly #inFlight = new Map<string, Promise<IntrospectionAnswer>>();
  /**
   * Bumped by `clearCache()` and `close()`: an answer that left the server before them is handed
   * to its callers but not cached (a token revoked meanwhile must not come back from the cache).
   */
  #generation = 0;

  /**
   * @param options - A `client`, or the options to make one, plus `introspectionUrl`,
   *   `cacheSize`, `maxCacheAge`, `introspectionTimeout`, `logger`, `now`.
   * @throws {ConfigurationError} When an option is missing or wrong (the message names it).
   */
  constructor(options: TokenValidatorOptions) {
    this.#options = resolveValidatorOptions(options);
    const { client, introspectionUrl, introspectionTimeout, cacheSize, maxCacheAge } =
      this.#options;
    this.#introspector = new Introspector({
      client,
      url: introspectionUrl,
      timeout: introspectionTimeout,
    });
    this.#cache = new IntrospectionCache(cacheSize, maxCacheAge);
  }

  /** The introspection endpoint. */
  get introspectionUrl(): string {
    return this.#options.introspectionUrl;
  }

  /** The client whose token authenticates the introspection calls. */
  get client(): ConfidentialClient {
    return this.#options.client;
  }

  /**
   * Checks an `Authorization` header: a single Bearer token, active, covering `requiredScope`.
   *
   * @param authorization - The header value (`req.headers.authorization`,
   *   `request.headers.get('authorization')`); `undefined`/`null` when absent.
   * @param requiredScope - The scope the resource requires (a string or elements); `[]` admits any
   *   active token.
   * @returns `{ ok: true, data }`, or `{ ok: false, status, error, headers, wwwAuthenticate? }`
   *   with the answer to send.
   * @throws {IntrospectionError} The token could not be checked (introspection or the validator's
   *   token endpoint unreachable, failing, or answering nonsense): answer 503.
   * @throws {ConfigurationError} `requiredScope` holds an element that is not a scope token.
   * @example
   * ```ts
   * const result = await validator.validate(req.headers.authorization, 'orders.read');
   * if (!result.ok) return res.writeHead(result.status, result.headers).end();
   * ```
   */
  validate(authorization: unknown, requiredScope: ScopeInput): Promise<ValidationResult> {
    try {
      return this.#check(authorization, requiredElements(requiredScope));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The framework-agnostic core of every middleware, to write one for another framework (Koa,
   * hapi…): like {@link validate}, but it never rejects. A token that could not be checked is a
   * `503` denial (reported to `logger`), and every denial comes with its complete answer: status,
   * headers (`content-type`, `cache-control: no-store`, `www-authenticate` or `mfp-conflict`) and a
   * small JSON body.
   *
   * @param authorization - The request's `Authorization` header value.
   * @param requiredScope - The scope the resource requires.
   * @returns `{ ok: true, data }` or `{ ok: false, status, headers, body }`.
   * @throws {ConfigurationError} `requiredScope` holds an element that is not a scope token.
   * @example
   * ```ts
   * app.use(async (ctx, next) => { // Koa
   *   const decision = await validator.authorize(ctx.get('authorization'), 'orders.read');
   *   if (!decision.ok) return void Object.assign(ctx, { status: decision.status, body: decision.body }).set(decision.headers);
   *   ctx.state.mfp = decision.data;
   *   await next();
   * });
   * ```
   */
  authorize(authorization: unknown, requiredScope: ScopeInput): Promise<AuthorizationDecision> {
    let check: CheckAuthorization;
    try {
      check = this.#bound(requiredScope);
    } catch (error) {
      return Promise.reject(error);
    }
    return authorize(check, authorization, this.#options.logger);
  }

  /**
   * Middleware for Express (4, 5) and connect-style frameworks: sets `req.mfp` and calls `next()`,
   * or answers 401/403/409/503 itself.
   *
   * @param requiredScope - The scope the routes behind it require.
   * @returns The middleware.
   * @throws {ConfigurationError} `requiredScope` holds an element that is not a scope token.
   * @example
   * ```ts
   * app.get('/orders', validator.express('orders.read'), (req, res) => res.json({ client: req.mfp?.clientId }));
   * ```
   */
  express(requiredScope: ScopeInput): ExpressMiddleware {
    return expressMiddleware(this.#bound(requiredScope), this.#options.logger);
  }

  /**
   * A Fastify `preHandler` hook: sets `request.mfp`, or sends 401/403/409/503.
   *
   * @param requiredScope - The scope the routes behind it require.
   * @returns The hook.
   * @throws {ConfigurationError} `requiredScope` holds an element that is not a scope token.
   * @example
   * ```ts
   * app.get('/orders', { preHandler: validator.fastify('orders.read') }, async (request) => ({ client: request.mfp?.clientId }));
   * ```
   */
  fastify(requiredScope: ScopeInput): FastifyPreHandler {
    return fastifyPreHandler(this.#bound(requiredScope), this.#options.logger);
  }

  /**
   * A guard for fetch-style servers (Hono, Bun, Deno, workers): `response` is `undefined` when
   * the request is authorized (`data` then holds the introspection data), else the answer.
   *
   * @param requiredScope - The scope the routes behind it require.
   * @returns The guard.
   * @throws {ConfigurationError} `requiredScope` holds an element that is not a scope token.
   * @example
   * ```ts
   * const guard = validator.guard('orders.read');
   * Bun.serve({ async fetch(request) {
   *   const { response, data } = await guard(request);
   *   return response ?? Response.json({ client: data.clientId });
   * } });
   * ```
   */
  guard(requiredScope: ScopeInput): FetchGuard {
    return fetchGuard(this.#bound(requiredScope), this.#options.logger);
  }

  /**
   * Wraps a node:http handler: it runs only for authorized requests, with the introspection data
   * as third argument; other requests are answered 401/403/409/503.
   *
   * @param requiredScope - The scope the handler requires.
   * @param handler - `(req, res, data) => …`.
   * @returns A request listener for `http.createServer`.
   * @throws {ConfigurationError} `requiredScope` holds an element that is not a scope token.
   * @example
   * ```ts
   * http.createServer(validator.protect('orders.read', (req, res, data) => res.end(data.clientId)));
   * ```
   */
  protect<
    Req extends NodeLikeRequest = IncomingMessage,
    Res extends NodeLikeResponse = ServerResponse,
  >(requiredScope: ScopeInput, handler: ProtectedHandler<Req, Res>): ProtectedListener<Req, Res> {
    if (typeof handler !== 'function') {
      throw new ConfigurationError('handler', 'must be a function (req, res, data) => …');
    }
    return protectListener(this.#bound(requiredScope), handler, this.#options.logger);
  }

  /**
   * Forgets every cached introspection answer (after revoking tokens at the server, say). Checks
   * under way still answer their callers, but what they learn is not cached.
   */
  clearCache(): void {
    this.#generation++;
    this.#inFlight.clear();
    this.#cache.clear();
  }

  /**
   * Clears the cache and closes the client if the validator made it: later validations then fail
   * with an {@link IntrospectionError}. A client passed in as `client` stays open (it is yours),
   * and so validations through it go on working.
   */
  async close(): Promise<void> {
    this.clearCache();
    if (this.#options.ownsClient) await this.#options.client.close();
  }

  /** `await using validator = new TokenValidator(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A summary without any secret or token. */
  toJSON(): Record<string, unknown> {
    const { client, introspectionUrl, cacheSize } = this.#options;
    return { introspectionUrl: shownUrl(introspectionUrl), clientId: client.clientId, cacheSize };
  }

  /** What `util.inspect` (and `console.log`) shows: no secret and no token. */
  [INSPECT](): string {
    return `TokenValidator ${JSON.stringify(this.toJSON())}`;
  }

  #bound(requiredScope: ScopeInput): CheckAuthorization {
    const required = requiredElements(requiredScope);
    return (authorization) => this.#check(authorization, required);
  }

  async #check(authorization: unknown, required: readonly string[]): Promise<ValidationResult> {
    const token = parseBearerAuthorization(authorization);
    if (token === undefined) return MISSING_TOKEN;
    const answer = await this.#introspect(token);
    if (answer.kind === 'conflict') return CONFLICT;
    if (answer.kind === 'inactive') return INVALID_TOKEN;
    const { data } = answer;
    if (!grantsRequired(data.scope, required)) {
      return insufficientScope(required);
    }
    return { ok: true, data };
  }

  async #introspect(token: string): Promise<IntrospectionAnswer> {
    const key = await tokenDigest(token);
    const cached = this.#cache.get(key, this.#options.now());
    if (cached !== undefined) return { kind: 'active', data: cached };
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      const generation = this.#generation;
      const request: Promise<IntrospectionAnswer> = this.#introspector
        .introspect(token)
        .then((answer) => {
          if (answer.kind === 'active' && generation === this.#generation) {
            this.#cache.set(key, answer.data, this.#options.now());
          }
          return answer;
        });
      pending = request;
      const cleared = request.finally(() => {
        if (this.#inFlight.get(key) === request) this.#inFlight.delete(key);
      });
      // The cleanup branch must not report a rejection nobody awaits: callers await `pending`.
      cleared.catch(() => undefined);
      this.#inFlight.set(key, pending);
    }
    return pending;
  }
}
