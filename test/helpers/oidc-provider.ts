/**
 * Interop harness: a real, certified OAuth 2.0 / OpenID Connect server (`oidc-provider` 8, ESM)
 * on a random loopback port, configured per test through one options bag, and a small resource
 * server (node:http) that checks tokens by introspecting them at the provider.
 *
 * Extend it through the options (new `features`, `configure` for anything the bag does not name
 * yet, `createServer` for HTTPS / mutual TLS) rather than by forking it: the DPoP, mTLS and
 * OpenTelemetry suites build on the same harness.
 *
 * @module
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ProviderConfiguration, errors as providerErrors } from 'oidc-provider';
import { afterAll, beforeAll } from 'vitest';

/**
 * A client registered at the provider: RFC 7591 metadata, snake_case, passed through as it is
 * (`client_id`, `client_secret`, `token_endpoint_auth_method`, `jwks`,
 * `token_endpoint_auth_signing_alg`, `dpop_bound_access_tokens`, `tls_client_auth_subject_dn`…).
 * `grant_types` defaults to `['client_credentials']`, `response_types` and `redirect_uris` to `[]`.
 */
export interface InteropClientMetadata {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?:
    | 'client_secret_basic'
    | 'client_secret_post'
    | 'client_secret_jwt'
    | 'private_key_jwt'
    | 'tls_client_auth'
    | 'self_signed_tls_client_auth'
    | 'none';
  /** Space-separated scopes the client may ask for. */
  scope?: string;
  jwks?: { keys: JWK[] };
  [metadata: string]: unknown;
}

/** What a resource indicator (RFC 8707) stands for at the provider. */
export interface InteropResourceServer {
  /** Space-separated scopes a token for this resource may carry. */
  scope: string;
  /** `aud` of its tokens. @default the resource indicator */
  audience?: string;
  /** Lifetime of its tokens in seconds. @default `accessTokenTTL` */
  accessTokenTTL?: number;
  /** @default 'opaque' */
  accessTokenFormat?: 'opaque' | 'jwt';
}

/** The server features of a test; each off unless named. */
export interface InteropFeatures {
  /** RFC 7662 introspection endpoint (the resource server helper needs it). */
  introspection?: boolean;
  /** RFC 7009 revocation endpoint. */
  revocation?: boolean;
  /**
   * RFC 8707 resource indicators: the resources the provider knows (the key is the indicator).
   * A request for any other resource fails with `invalid_target`.
   */
  resourceIndicators?: Record<string, InteropResourceServer>;
  /**
   * RFC 9449 DPoP. `requireNonce: true` makes the token endpoint answer `use_dpop_nonce` until
   * the proof carries the server's nonce.
   */
  dPoP?: boolean | { requireNonce?: boolean; allowReplay?: boolean };
  /**
   * RFC 8705 mutual TLS: merged as it is into oidc-provider's `features.mTLS`
   * (`getCertificate(ctx)`, `certificateAuthorized(ctx)`, `certificateSubjectMatches(ctx, property,
   * expected)`, `tlsClientAuth`, `selfSignedTlsClientAuth`, `certificateBoundAccessTokens`). Pair
   * it with `createServer` (an HTTPS server that asks for client certificates).
   */
  mTLS?: Record<string, unknown>;
}

/** Options of {@link startOidcProvider}. */
export interface OidcProviderOptions {
  /** The clients of this test. */
  clients?: InteropClientMetadata[];
  /** Server features; client credentials is always on. */
  features?: InteropFeatures;
  /**
   * Path of the issuer (`/tenant-a` → issuer `http://127.0.0.1:PORT/tenant-a`, every endpoint
   * under it, discovery at `{issuer}/.well-known/openid-configuration`).
   * @default '' (issuer is the origin)
   */
  path?: string;
  /** Scopes the provider knows besides `openid` and `offline_access`. @default ['api:read', 'api:write'] */
  scopes?: string[];
  /** Access token lifetime in seconds (client credentials). @default 3600 */
  accessTokenTTL?: number;
  /** Client authentication methods the provider accepts (and advertises). @default oidc-provider's */
  clientAuthMethods?: string[];
  /**
   * The HTTP(S) server the provider is served by, built around the harness's request listener
   * (e.g. `(listener) => https.createServer({ key, cert, requestCert: true }, listener)`).
   * @default node:http createServer
   */
  createServer?: (listener: RequestListener) => Server;
  /** `http` or `https`, matching `createServer`. @default 'http' */
  protocol?: 'http' | 'https';
  /**
   * The `fetch` of the harness's own calls (`introspect`, `revoke`): one that trusts the CA of
   * an HTTPS provider, e.g. `(input, init) => fetch(input, { ...init, dispatcher })`.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Last word on the oidc-provider configuration, for what the options do not name yet: gets the
   * configuration object the harness built and may change it in place.
   */
  configure?: (configuration: ProviderConfiguration) => void;
}

/** One request the provider received (headers only: the body belongs to the provider). */
export interface ProviderRequest {
  method: string;
  /** Path and query as received, issuer path included. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** A running provider. */
export interface OidcProviderHandle {
  /** The issuer identifier (no trailing slash). */
  readonly issuer: string;
  /** Scheme, host and port. */
  readonly origin: string;
  readonly tokenEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly revocationEndpoint: string;
  /** `{issuer}/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** The oidc-provider instance, for what the handle does not cover. */
  readonly provider: Provider;
  /** Every request received, in order. */
  readonly requests: ProviderRequest[];
  /** Requests to the token endpoint received so far. */
  tokenRequests(): ProviderRequest[];
  /** `grant.success`, `grant.error` (with the OAuth error), `server_error`… in order. */
  readonly events: Array<{ name: string; error?: string; description?: string }>;
  /**
   * Credentials of a client the harness registers for resource servers and tests
   * (`client_secret_basic`), to call introspection and revocation.
   */
  readonly resourceServerClient: { clientId: string; clientSecret: string };
  /** Introspects a token as the resource-server client (RFC 7662). */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** Revokes a token as its own client would (RFC 7009), authenticating with Basic. */
  revoke(token: string, client: { clientId: string; clientSecret: string }): Promise<void>;
  close(): Promise<void>;
}

const RESOURCE_SERVER_CLIENT = {
  clientId: 'interop-resource-server',
  clientSecret: 'interop-resource-server-secret-0123456789abcdef',
};

/**
 * A storage adapter of one provider's own (tokens, replay records): the harness's providers share
 * nothing, and oidc-provider's warning about its development adapter stays out of test output.
 */
function memoryAdapter() {
  const storage = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const live = (key: string) => {
    const entry = storage.get(key);
    if (entry && entry.expiresAt <= Date.now()) storage.delete(key);
    return storage.get(key)?.payload;
  };
  return class InteropAdapter {
    readonly #model: string;
    constructor(model: string) {
      this.#model = model;
    }
    #key(id: string) {
      return `${this.#model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      storage.set(this.#key(id), { payload, expiresAt });
    }
    async find(id: string) {
      return live(this.#key(id));
    }
    async findByUid(uid: string) {
      return [...storage.values()].find((e) => e.payload.uid === uid)?.payload;
    }
    async findByUserCode(userCode: string) {
      return [...storage.values()].find((e) => e.payload.userCode === userCode)?.payload;
    }
    async consume(id: string) {
      const payload = live(this.#key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      storage.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, entry] of storage)
        if (entry.payload.grantId === grantId) storage.delete(key);
    }
  };
}

let signingKeys: Promise<{ keys: JWK[] }> | undefined;
function providerSigningKeys(): Promise<{ keys: JWK[] }> {
  signingKeys ??= generateKeyPair('RS256', { extractable: true }).then(async ({ privateKey }) => ({
    keys: [{ ...(await exportJWK(privateKey)), kid: 'interop-rs256', use: 'sig', alg: 'RS256' }],
  }));
  return signingKeys;
}

/**
 * Starts oidc-provider on a random loopback port.
 *
 * @param options - Clients, features and server of this test.
 * @returns The running provider; `close()` it.
 */
export async function startOidcProvider(
  options: OidcProviderOptions = {},
): Promise<OidcProviderHandle> {
  const protocol = options.protocol ?? 'http';
  const path = (options.path ?? '').replace(/\/$/, '');
  const requests: ProviderRequest[] = [];
  const events: OidcProviderHandle['events'] = [];
  let handler: RequestListener | undefined;
  const listener: RequestListener = (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = req.url ?? '/';
    if (path !== '' && url !== path && !url.startsWith(`${path}/`) && !url.startsWith(`${path}?`)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    // Mounted under the issuer's path the way express mounts it: the provider reads the mount
    // path from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(path.length) || '/';
    handler?.(req, res);
  };
  const server = (options.createServer ?? createHttpServer)(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `${protocol}://127.0.0.1:${port}`;
  const issuer = `${origin}${path}`;

  const features = options.features ?? {};
  const resourceServers = features.resourceIndicators;
  const scopes = options.scopes ?? ['api:read', 'api:write'];
  const clients: Array<Record<string, unknown>> = [
    ...(options.clients ?? []),
    {
      client_id: RESOURCE_SERVER_CLIENT.clientId,
      client_secret: RESOURCE_SERVER_CLIENT.clientSecret,
      token_endpoint_auth_method: 'client_secret_basic' as const,
    },
  ].map((client) => ({
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    ...client,
  }));
  const dPoP = features.dPoP;
  const configuration: ProviderConfiguration = {
    adapter: memoryAdapter(),
    clients,
    jwks: await providerSigningKeys(),
    cookies: { keys: ['interop-cookie-key-0123456789'] },
    scopes: ['openid', 'offline_access', ...scopes],
    ttl: { ClientCredentials: options.accessTokenTTL ?? 3600 },
    ...(options.clientAuthMethods ? { clientAuthMethods: options.clientAuthMethods } : {}),
    // Assertions (client_secret_jwt, private_key_jwt) signed with any of these are accepted.
    enabledJWA: {
      clientAuthSigningAlgValues: [
        'HS256',
        'HS384',
        'HS512',
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'ES256',
        'ES384',
        'EdDSA',
      ],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: features.introspection ?? false,
        allowedPolicy: async () => true,
      },
      revocation: { enabled: features.revocation ?? false },
      resourceIndicators: {
        enabled: resourceServers !== undefined,
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
          const known = resourceServers?.[indicator];
          if (!known) throw new providerErrors.InvalidTarget!();
          return { accessTokenFormat: 'opaque', ...known };
        },
      },
      dPoP: {
        enabled: dPoP !== undefined && dPoP !== false,
        ...(typeof dPoP === 'object'
          ? {
              requireNonce: () => dPoP.requireNonce ?? false,
              nonceSecret: Buffer.alloc(32, 7),
              allowReplay: dPoP.allowReplay ?? false,
            }
          : {}),
      },
      ...(features.mTLS ? { mTLS: { enabled: true, ...features.mTLS } } : {}),
    },
  };
  options.configure?.(configuration);
  const provider = new Provider(issuer, configuration);
  for (const name of ['grant.success', 'grant.error', 'server_error', 'introspection.error']) {
    provider.on(name, (...args: unknown[]) => {
      const error = args.find((a): a is { error?: string; error_description?: string } => {
        return typeof a === 'object' && a !== null && 'error' in a;
      });
      events.push({
        name,
        ...(error?.error ? { error: error.error } : {}),
        ...(error?.error_description ? { description: error.error_description } : {}),
      });
    });
  }
  handler = provider.callback();

  const harnessFetch = options.fetch ?? fetch;
  const basic = (c: { clientId: string; clientSecret: string }) =>
    `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64')}`;
  const endpoint = (route: string) => `${issuer}${route}`;
  return {
    issuer,
    origin,
    tokenEndpoint: endpoint('/token'),
    introspectionEndpoint: endpoint('/token/introspection'),
    revocationEndpoint: endpoint('/token/revocation'),
    discoveryUrl: endpoint('/.well-known/openid-configuration'),
    provider,
    requests,
    tokenRequests: () =>
      requests.filter((r) => r.method === 'POST' && r.url.split('?')[0] === `${path}/token`),
    events,
    resourceServerClient: RESOURCE_SERVER_CLIENT,
    async introspect(token) {
      const response = await harnessFetch(endpoint('/token/introspection'), {
        method: 'POST',
        headers: {
          authorization: basic(RESOURCE_SERVER_CLIENT),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      });
      if (!response.ok) throw new Error(`introspection answered ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    },
    async revoke(token, client) {
      const response = await harnessFetch(endpoint('/token/revocation'), {
        method: 'POST',
        headers: {
          authorization: basic(client),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      });
      if (!response.ok) throw new Error(`revocation answered ${response.status}`);
      await response.body?.cancel();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One provider for a test file: started before its tests, closed after them.
 *
 * @param options - As {@link startOidcProvider}.
 * @returns A getter for the running provider.
 */
export function useOidcProvider(options: OidcProviderOptions = {}): () => OidcProviderHandle {
  let handle: OidcProviderHandle | undefined;
  beforeAll(async () => {
    handle = await startOidcProvider(options);
  });
  afterAll(async () => {
    await handle?.close();
  });
  return () => {
    if (!handle) throw new Error('the provider is started in beforeAll');
    return handle;
  };
}

/** What the resource server saw of one request, and what it made of the token. */
export interface ResourceRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The introspection answer, or undefined when no token came. */
  introspection?: Record<string, unknown>;
  status: number;
}

/** Options of {@link startResourceServer}. */
export interface ResourceServerOptions {
  /** The provider whose introspection endpoint checks tokens (needs `features.introspection`). */
  provider: OidcProviderHandle;
  /** Scopes every request needs; a token without one of them gets `403 insufficient_scope`. */
  requiredScope?: string[];
  /** Scopes needed per path (exact path), over `requiredScope`. */
  scopeByPath?: Record<string, string[]>;
  /** The `aud` a token must hold (RFC 8707), or any when omitted. */
  audience?: string;
  /** Authorization schemes taken. @default ['Bearer'] */
  schemes?: string[];
  /**
   * The server, built around the resource server's listener (e.g. an HTTPS one that asks for
   * client certificates, for certificate-bound tokens). @default node:http createServer
   */
  createServer?: (listener: RequestListener) => Server;
  /** `http` or `https`, matching `createServer`. @default 'http' */
  protocol?: 'http' | 'https';
  /**
   * Last word on a request whose token is active and fits: return a response to send instead of
   * the 200 (e.g. a DPoP proof check answering `401 DPoP error="use_dpop_nonce"`).
   */
  check?: (
    req: IncomingMessage,
    introspection: Record<string, unknown>,
  ) =>
    | { status: number; headers?: Record<string, string>; body?: string }
    | undefined
    | Promise<{ status: number; headers?: Record<string, string>; body?: string } | undefined>;
}

/** A running resource server. */
export interface ResourceServerHandle {
  /** Its origin, e.g. `http://127.0.0.1:PORT` (`https:` with `protocol: 'https'`). */
  readonly url: string;
  readonly requests: ResourceRequest[];
  close(): Promise<void>;
}

/**
 * Starts a loopback resource server that answers as a real API does: `401` with a Bearer (or,
 * for a token sent as DPoP, a DPoP) `invalid_token` challenge when the token is missing, unknown, expired or revoked (introspected
 * at the provider on every request, nothing cached), `403 insufficient_scope` naming the scope
 * when it lacks one, else `200` with what introspection said (`{ client_id, scope, aud }`).
 *
 * @param options - Provider, scopes and audience it wants.
 * @returns The running server; `close()` it.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export async function startResourceServer(
  options: ResourceServerOptions,
): Promise<ResourceServerHandle> {
  const requests: ResourceRequest[] = [];
  const schemes = (options.schemes ?? ['Bearer']).map((s) => s.toLowerCase());
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const seen: ResourceRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      status: 0,
    };
    requests.push(seen);
    const send = (status: number, headers: Record<string, string>, body: string) => {
      seen.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    };
    const [scheme, token] = (req.headers.authorization ?? '').split(' ', 2);
    // The challenge speaks the scheme the token came in (a DPoP token gets a DPoP challenge,
    // RFC 9449 §7.1), else the first one taken.
    const challengeScheme =
      scheme && schemes.includes(scheme.toLowerCase())
        ? scheme
        : (options.schemes?.[0] ?? 'Bearer');
    const challenge = (error?: string, extra = '') =>
      `${challengeScheme} realm="interop"${error ? `, error="${error}"` : ''}${extra}`;
    if (!scheme || !token || !schemes.includes(scheme.toLowerCase())) {
      send(401, { 'www-authenticate': challenge() }, '{"error":"no token"}');
      return;
    }
    const introspection = await options.provider.introspect(token);
    seen.introspection = introspection;
    const audience = introspection.aud;
    const audiences = Array.isArray(audience) ? audience : audience ? [audience] : [];
    if (
      introspection.active !== true ||
      (options.audience !== undefined && !audiences.includes(options.audience))
    ) {
      send(401, { 'www-authenticate': challenge('invalid_token') }, '{"error":"invalid_token"}');
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const needed = options.scopeByPath?.[path] ?? options.requiredScope ?? [];
    const granted = new Set(String(introspection.scope ?? '').split(' '));
    const missing = needed.filter((s) => !granted.has(s));
    if (missing.length > 0) {
      send(
        403,
        { 'www-authenticate': challenge('insufficient_scope', `, scope="${needed.join(' ')}"`) },
        '{"error":"insufficient_scope"}',
      );
      return;
    }
    const override = await options.check?.(req, introspection);
    if (override) {
      send(override.status, override.headers ?? {}, override.body ?? '');
      return;
    }
    send(
      200,
      {},
      JSON.stringify({
        client_id: introspection.client_id,
        scope: introspection.scope,
        aud: introspection.aud,
      }),
    );
  };
  const server = (options.createServer ?? createHttpServer)((req, res) => {
    req.resume();
    answer(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.protocol ?? 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
