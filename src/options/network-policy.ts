/**
 * Where the client may send what: the token endpoint URL (with its secret) and the origins tokens
 * go to. Plain `http:` only on loopback unless `allowInsecureHttp` says otherwise.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import { OriginPolicy } from '../http/origin-policy.js';
import { isLoopbackHost } from '../util/loopback.js';
import { defaults } from './defaults.js';
import type { ConfidentialClientOptions } from './types.js';
import { KNOWN_SCHEMES, whyNotAUrl } from './validate.js';

/**
 * The token endpoint URL: `tokenUrl`, or `{serverUrl}/{runtime}/api/az/v1/token`. Exactly one of
 * the two; `http:` only on loopback unless `allowInsecureHttp`; no credentials, fragment or (with
 * `serverUrl`) query.
 *
 * @param options - The caller's options.
 * @param allowInsecureHttp - Whether `http:` beyond loopback is allowed.
 * @returns The URL.
 * @throws {ConfigurationError} Naming `serverUrl`, `tokenUrl` or `runtime`.
 */
export function resolveTokenUrl(
  options: ConfidentialClientOptions,
  allowInsecureHttp: boolean,
): string {
  const { serverUrl, tokenUrl } = options;
  if (options.issuer !== undefined) {
    if (serverUrl !== undefined || tokenUrl !== undefined) {
      throw new ConfigurationError(
        serverUrl !== undefined ? 'serverUrl' : 'tokenUrl',
        'and issuer were both given; give one of them.',
      );
    }
    return resolveIssuer(options.issuer, allowInsecureHttp);
  }
  if ((serverUrl === undefined) === (tokenUrl === undefined)) {
    throw new ConfigurationError(
      serverUrl === undefined ? 'serverUrl' : 'tokenUrl',
      serverUrl === undefined
        ? 'is required (or give tokenUrl or issuer): e.g. serverUrl: "https://mfp.example.com".'
        : 'and serverUrl were both given; give one of them.',
    );
  }
  let url: URL;
  const option = tokenUrl !== undefined ? 'tokenUrl' : 'serverUrl';
  const raw = (tokenUrl ?? serverUrl) as string | URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(
      option,
      `${whyNotAUrl(raw)}; expected an absolute URL such as "https://mfp.example.com". (The value is not shown: if two options were swapped, it may be the secret.)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // Only well-known schemes are named: `secret:rest` parses as a URL too (arguments swapped).
    const scheme = KNOWN_SCHEMES.has(url.protocol) ? `, not ${url.protocol}` : '';
    throw new ConfigurationError(option, `must be an http: or https: URL${scheme}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(
      option,
      'must not hold credentials (user:password@); use clientId and clientSecret.',
    );
  }
  if (url.hash !== '') {
    throw new ConfigurationError(option, 'must not have a #fragment.');
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      option,
      `uses http: on ${url.hostname}, which would send the client secret in clear; use https:, or set allowInsecureHttp: true.`,
    );
  }
  if (tokenUrl !== undefined) return url.href;

  const runtime = options.runtime ?? defaults.runtime;
  if (typeof runtime !== 'string' || !/^[A-Za-z0-9._~-]+$/.test(runtime)) {
    throw new ConfigurationError(
      'runtime',
      'must be a runtime name such as "mfp" (letters, digits, . _ ~ -).',
    );
  }
  if (url.search !== '') {
    throw new ConfigurationError(
      'serverUrl',
      'must not have a ?query; use tokenUrl for a full token endpoint URL.',
    );
  }
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  return new URL(`${runtime}/api/az/v1/token`, base).href;
}

/**
 * The `issuer` option: an `https:` URL (`http:` on loopback unless `allowInsecureHttp`) without
 * credentials, query or fragment (RFC 8414 §2). A string is kept as it is (the document's issuer
 * must equal it exactly); a `URL` becomes its `href`.
 *
 * @param issuer - The option's value.
 * @param allowInsecureHttp - Whether `http:` beyond loopback is allowed.
 * @returns The issuer identifier.
 * @throws {ConfigurationError} Naming `issuer`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export function resolveIssuer(issuer: unknown, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(issuer as string);
  } catch {
    throw new ConfigurationError(
      'issuer',
      `${whyNotAUrl(issuer)}; expected the server's issuer identifier, such as "https://idp.example.com/realms/acme". (The value is not shown: it may be a secret.)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('issuer', 'must be an https: URL.');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(
      'issuer',
      'must have no credentials, ?query or #fragment (RFC 8414 §2).',
    );
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      'issuer',
      `uses http: on ${url.hostname}, which would send the client secret in clear; use https:, or set allowInsecureHttp: true.`,
    );
  }
  return typeof issuer === 'string' ? issuer : url.href;
}

/**
 * The origins `client.fetch` sends tokens to.
 *
 * @param origins - The `origins` option.
 * @param tokenUrl - The token URL: its origin is the default.
 * @param allowInsecureHttp - Whether `http:` beyond loopback is allowed.
 * @returns The policy.
 * @throws {ConfigurationError} Naming the origin that is wrong.
 */
export function resolveOrigins(
  origins: unknown,
  tokenUrl: string,
  allowInsecureHttp: boolean,
): OriginPolicy {
  if (origins === undefined) {
    return new OriginPolicy(new Set([new URL(tokenUrl).origin]), allowInsecureHttp);
  }
  if (origins === '*') return new OriginPolicy('*', allowInsecureHttp);
  if (!Array.isArray(origins)) {
    throw new ConfigurationError(
      'origins',
      "must be an array of origins (e.g. ['https://api.example.com']) or '*'.",
    );
  }
  const set = new Set<string>();
  for (const [i, origin] of origins.entries()) {
    let url: URL;
    try {
      url = new URL(origin as string);
    } catch {
      throw new ConfigurationError(
        `origins[${i}]`,
        `${whyNotAUrl(origin)}; expected an origin such as "https://api.example.com". (The value is not shown: it may be a secret.)`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigurationError(`origins[${i}]`, 'must be an http: or https: origin.');
    }
    if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
      throw new ConfigurationError(
        `origins[${i}]`,
        `uses http: on ${url.hostname}, which would send tokens in clear; use https:, or set allowInsecureHttp: true.`,
      );
    }
    set.add(url.origin);
  }
  return new OriginPolicy(set, allowInsecureHttp);
}
