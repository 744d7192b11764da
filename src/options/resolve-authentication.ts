/**
 * `resolveAuthentication`: the options of client authentication (`clientAuthentication`,
 * `clientSecret`, `privateKey`, `basicAuthEncoding`, `clientAssertion`), checked together, since
 * each rules out or requires another. Part of `resolveOptions()`.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type { ClientAuthenticatorConfig } from '../token/client-authenticator.js';
import { defaults } from './defaults.js';
import { CLIENT_ASSERTION_KEYS } from './option-keys.js';
import type {
  BasicAuthEncoding,
  ClientAssertionOptions,
  ClientAuthentication,
  ConfidentialClientOptions,
  CredentialSource,
  PrivateKeyInput,
} from './types.js';
import { oneOf, positiveNumber, rejectUnknownKeys } from './validate.js';

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

const METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
] as const;

/** The client authentication options, resolved. */
export interface ResolvedAuthentication {
  /** The method given (`undefined`: implied by a key, or chosen from a server's metadata). */
  readonly method: ClientAuthentication | undefined;
  /** The method given or implied, `client_secret_basic` by default. */
  readonly clientAuthentication: ClientAuthentication;
  /** `tls_client_auth` or `self_signed_tls_client_auth`: the certificate is in the dispatcher. */
  readonly mutualTls: boolean;
  readonly clientSecret: CredentialSource<string> | undefined;
  readonly privateKey: CredentialSource<PrivateKeyInput> | undefined;
  /** `private_key_jwt`, given or implied by `privateKey`. */
  readonly usesKey: boolean;
  readonly basicAuthEncoding: BasicAuthEncoding;
  readonly assertion: ClientAuthenticatorConfig['assertion'];
}

/**
 * Checks the client authentication options together.
 *
 * @param options - What the caller passed.
 * @param clientId - The checked client ID.
 * @param issuer - The `issuer` option, resolved, if given.
 * @returns The method and the credentials' sources (functions stay functions).
 * @throws {ConfigurationError} When an option is missing, invalid or ruled out by another.
 */
export function resolveAuthentication(
  options: ConfidentialClientOptions,
  clientId: string,
  issuer: string | undefined,
): ResolvedAuthentication {
  const method =
    options.clientAuthentication === undefined
      ? undefined
      : oneOf(options.clientAuthentication, 'clientAuthentication', METHODS, 'client_secret_basic');
  const privateKey = resolvePrivateKey(options.privateKey);
  const usesKey =
    method === 'private_key_jwt' || (method === undefined && privateKey !== undefined);
  if (method === 'private_key_jwt' && privateKey === undefined) {
    throw new ConfigurationError('privateKey', 'is required for private_key_jwt.');
  }
  if (method === undefined && privateKey !== undefined && options.clientSecret !== undefined) {
    throw new ConfigurationError(
      'privateKey',
      'and clientSecret were both given; give one of them (or set clientAuthentication).',
    );
  }
  const mutualTls = method !== undefined && isMutualTls(method);
  if (mutualTls && options.clientSecret !== undefined) {
    throw new ConfigurationError(
      'clientSecret',
      `must not be given with clientAuthentication '${method}': the client certificate authenticates the client (RFC 8705), and no secret is sent.`,
    );
  }
  if (method !== undefined && method !== 'private_key_jwt' && privateKey !== undefined) {
    throw new ConfigurationError(
      'privateKey',
      `is only used by private_key_jwt, not ${method}; remove it or change clientAuthentication.`,
    );
  }
  const clientSecret = mutualTls ? undefined : resolveSecret(options.clientSecret, !usesKey);
  const clientAuthentication: ClientAuthentication =
    method ?? (usesKey ? 'private_key_jwt' : defaults.clientAuthentication);
  const basicAuthEncoding = oneOf(
    options.basicAuthEncoding,
    'basicAuthEncoding',
    ['form', 'plain'] as const,
    defaults.basicAuthEncoding,
  );
  if (
    (method === undefined || method === 'client_secret_basic') &&
    !usesKey &&
    basicAuthEncoding === 'plain' &&
    clientId.includes(':')
  ) {
    throw new ConfigurationError(
      'clientId',
      "holds ':', which plain (RFC 7617) Basic encoding cannot carry; use basicAuthEncoding: 'form' or clientAuthentication: 'client_secret_post'.",
    );
  }
  const assertion = resolveAssertion(options.clientAssertion, issuer);
  if (
    clientAuthentication === 'client_secret_jwt' &&
    assertion.alg !== undefined &&
    !/^HS(256|384|512)$/.test(assertion.alg)
  ) {
    throw new ConfigurationError(
      'clientAssertion.alg',
      'must be HS256, HS384 or HS512 for client_secret_jwt (an HMAC with the client secret).',
    );
  }
  return {
    method,
    clientAuthentication,
    mutualTls,
    clientSecret,
    privateKey,
    usesKey,
    basicAuthEncoding,
    assertion,
  };
}

/**
 * A client ID or secret: a non-empty string of printable ASCII (MobileFirst's rule).
 *
 * @throws {ConfigurationError} Naming the option, never echoing the value.
 */
export function credential(value: unknown, option: 'clientId' | 'clientSecret'): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(option, 'is required: a non-empty string.');
  }
  if (!PRINTABLE_ASCII.test(value)) {
    // Never echo the value: it may be the secret.
    throw new ConfigurationError(
      option,
      'must hold printable ASCII characters only (MobileFirst accepts no others); check for non-ASCII letters, control characters or a stray newline.',
    );
  }
  return value;
}

/** The `clientSecret` option: a string, or a function read at each token request. */
function resolveSecret(value: unknown, required: boolean): CredentialSource<string> | undefined {
  if (typeof value === 'function') return value as () => string | Promise<string>;
  if (value === undefined && !required) return undefined;
  return credential(value, 'clientSecret');
}

function resolvePrivateKey(value: unknown): CredentialSource<PrivateKeyInput> | undefined {
  if (value === undefined || typeof value === 'function') {
    return value as CredentialSource<PrivateKeyInput> | undefined;
  }
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) {
    if (value.type !== 'private') {
      throw new ConfigurationError('privateKey', 'must be a private key, not a public one.');
    }
    return value;
  }
  if (typeof value === 'string') {
    // Never echo the value: it is the key.
    if (!value.includes('-----BEGIN PRIVATE KEY-----')) {
      throw new ConfigurationError(
        'privateKey',
        'must be a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"); convert a PKCS#1 or SEC1 key with `openssl pkcs8 -topk8 -nocrypt -in key.pem`.',
      );
    }
    return value;
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as JsonWebKey).kty === 'string'
  ) {
    if (typeof (value as JsonWebKey).d !== 'string') {
      throw new ConfigurationError(
        'privateKey',
        'is a JWK without "d": give the private key, not the public one.',
      );
    }
    return value as JsonWebKey;
  }
  throw new ConfigurationError(
    'privateKey',
    'must be a CryptoKey, a PKCS#8 PEM string, a private JWK, or a function returning one.',
  );
}

function resolveAssertion(
  value: unknown,
  issuer: string | undefined,
): ClientAuthenticatorConfig['assertion'] {
  if (value === undefined) {
    return { alg: undefined, kid: undefined, header: {}, ...defaults.clientAssertion };
  }
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError('clientAssertion', 'must be an object.');
  }
  rejectUnknownKeys(value, CLIENT_ASSERTION_KEYS, 'clientAssertion.');
  const { alg, kid, audience, lifetime, header } = value as ClientAssertionOptions;
  if (
    header !== undefined &&
    (typeof header !== 'object' ||
      header === null ||
      Object.entries(header).some(
        ([name, v]) => typeof v !== 'string' || name === 'alg' || name === 'kid' || name === 'crit',
      ))
  ) {
    throw new ConfigurationError(
      'clientAssertion.header',
      'must be an object of string header parameters other than alg, kid and crit (use clientAssertion.alg and .kid).',
    );
  }
  for (const [name, v] of [
    ['alg', alg],
    ['kid', kid],
    ['audience', audience],
  ] as const) {
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new ConfigurationError(`clientAssertion.${name}`, 'must be a non-empty string.');
    }
  }
  if (audience === 'issuer' && issuer === undefined) {
    throw new ConfigurationError(
      'clientAssertion.audience',
      "is 'issuer', which needs the issuer option; give the audience as a string instead.",
    );
  }
  return {
    alg,
    kid,
    header: { ...header },
    audience: audience ?? defaults.clientAssertion.audience,
    lifetime:
      positiveNumber(lifetime, 'clientAssertion.lifetime') ?? defaults.clientAssertion.lifetime,
  };
}

function isMutualTls(
  method: ClientAuthentication,
): method is 'tls_client_auth' | 'self_signed_tls_client_auth' {
  return method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
}
