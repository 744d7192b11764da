/**
 * The authorization server's metadata as the rest of the client sees it: the wire document (RFC
 * 8414 §2, snake_case) checked where it enters, and turned into a narrow camelCase type.
 *
 * @module
 */
import { DiscoveryError } from '../errors/discovery-error.js';
import { isLoopbackHost } from '../util/loopback.js';

/**
 * @internal What the client knows of the server it gets tokens from. With `tokenUrl` or
 * `serverUrl`, only `tokenEndpoint`; with `issuer`, what its metadata said. DPoP (signing
 * algorithms) and mutual TLS (endpoint aliases) read it too.
 */
export interface ServerMetadata {
  /** The issuer identifier, when the client was configured with one. */
  readonly issuer: string | undefined;
  readonly tokenEndpoint: string;
  /** `token_endpoint_auth_methods_supported`; `undefined` when not advertised. */
  readonly tokenEndpointAuthMethods: readonly string[] | undefined;
  /** `token_endpoint_auth_signing_alg_values_supported`. */
  readonly tokenEndpointAuthSigningAlgs: readonly string[] | undefined;
  /** `dpop_signing_alg_values_supported` (RFC 9449 §5.1). */
  readonly dpopSigningAlgs: readonly string[] | undefined;
  readonly introspectionEndpoint: string | undefined;
  readonly revocationEndpoint: string | undefined;
  /** `mtls_endpoint_aliases` (RFC 8705 §5): endpoint name → URL. */
  readonly mtlsEndpointAliases: Readonly<Record<string, string>> | undefined;
}

/** Where a metadata document came from, to check it against. */
export interface MetadataContext {
  /** The configured issuer, compared exactly (RFC 8414 §3.3). */
  readonly issuer: string;
  /** The document's URL (or `'metadata option'`). */
  readonly url: string;
  /** Whether `http:` endpoints beyond loopback are allowed. */
  readonly allowInsecureHttp: boolean;
}

/**
 * Checks an authorization server metadata document and returns the parts the client uses.
 *
 * @param document - The parsed JSON.
 * @param context - The configured issuer and where the document came from.
 * @returns The narrow metadata.
 * @throws {DiscoveryError} `issuer` when the document's issuer differs, `field` when a member the
 *   client reads is missing or malformed, `body` when it is not an object.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export function parseServerMetadata(document: unknown, context: MetadataContext): ServerMetadata {
  const { issuer, url } = context;
  const fail = (reason: 'body' | 'issuer' | 'field', message: string): never => {
    throw new DiscoveryError(reason, message, { issuer, url });
  };
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return fail('body', `the metadata at ${url} is not a JSON object.`);
  }
  const doc = document as Record<string, unknown>;
  if (doc.issuer !== issuer) {
    return fail(
      'issuer',
      `the metadata at ${url} is for issuer ${JSON.stringify(String(doc.issuer).slice(0, 200))}, not ${JSON.stringify(issuer)}; RFC 8414 §3.3 requires the same string (check the issuer option, a trailing slash included).`,
    );
  }
  const endpoint = (name: string, required: boolean): string | undefined => {
    const value = doc[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !isAllowedUrl(value, context.allowInsecureHttp)) {
      return fail(
        'field',
        `the metadata at ${url} has ${value === undefined ? 'no' : 'an unusable'} ${name}: it must be an https: URL (http: only on loopback, or with allowInsecureHttp).`,
      );
    }
    return value;
  };
  const strings = (name: string): readonly string[] | undefined => {
    const value = doc[name];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      return fail('field', `the metadata at ${url} has a ${name} that is not a list of strings.`);
    }
    return Object.freeze([...value]);
  };
  const aliases = doc.mtls_endpoint_aliases;
  let mtlsEndpointAliases: Readonly<Record<string, string>> | undefined;
  if (aliases !== undefined) {
    if (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases)) {
      return fail(
        'field',
        `the metadata at ${url} has an mtls_endpoint_aliases that is not an object.`,
      );
    }
    const entries = Object.entries(aliases as Record<string, unknown>).filter(
      (entry): entry is [string, string] =>
        typeof entry[1] === 'string' && isAllowedUrl(entry[1], context.allowInsecureHttp),
    );
    mtlsEndpointAliases = Object.freeze(Object.fromEntries(entries));
  }
  return Object.freeze({
    issuer,
    tokenEndpoint: endpoint('token_endpoint', true) as string,
    tokenEndpointAuthMethods: strings('token_endpoint_auth_methods_supported'),
    tokenEndpointAuthSigningAlgs: strings('token_endpoint_auth_signing_alg_values_supported'),
    dpopSigningAlgs: strings('dpop_signing_alg_values_supported'),
    introspectionEndpoint: endpoint('introspection_endpoint', false),
    revocationEndpoint: endpoint('revocation_endpoint', false),
    mtlsEndpointAliases,
  });
}

/**
 * The well-known URLs of an issuer's metadata, in the order they are tried: RFC 8414's (the
 * well-known path inserted between the host and the issuer's path, §3.1), then OpenID Connect
 * Discovery's (appended to the issuer).
 *
 * @param issuer - The issuer identifier.
 * @returns The two URLs.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 */
export function wellKnownUrls(issuer: string): [string, string] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

function isAllowedUrl(value: string, allowInsecureHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname));
}
