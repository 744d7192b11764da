import { ConfigurationError } from 'confidential-client';
import { isLoopbackHost } from '../../util/loopback.js';
import { describeUnknownKey, findUnknownKey } from '../../util/unknown-keys.js';
import { type AdminClientOptions, adminDefaults } from './admin-options.js';

/** What {@link AdminClient} works with: options checked, defaults filled in. @internal */
export interface ResolvedAdminOptions {
  /** `{serverUrl}/mfpadmin/management-apis/2.0/runtimes/{runtime}/`. */
  readonly runtimeUrl: string;
  readonly runtime: string;
  /** The `Authorization: Basic …` header value. */
  readonly authorization: string;
  /** Forms of the credentials that must never show in an error. */
  readonly secrets: readonly string[];
  readonly fetch: typeof fetch;
  readonly timeout: number;
  readonly async: boolean;
  readonly transactionTimeout: number;
  readonly pollInterval: number;
  readonly protectedClientIds: ReadonlySet<string>;
}

const KNOWN: ReadonlySet<string> = new Set<keyof AdminClientOptions>([
  'serverUrl',
  'runtime',
  'username',
  'password',
  'fetch',
  'timeout',
  'allowInsecureHttp',
  'async',
  'transactionTimeout',
  'pollInterval',
  'protectedClientIds',
]);

/**
 * Checks the options of an {@link AdminClient} and fills in the defaults. Never mutates them.
 *
 * @param options - What the caller passed.
 * @returns The resolved options.
 * @throws {ConfigurationError} Naming the option that is wrong (never showing the password).
 * @internal
 */
export function resolveAdminOptions(options: AdminClientOptions): ResolvedAdminOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object { serverUrl, username, password }.');
  }
  const unknown = findUnknownKey(options, KNOWN);
  if (unknown) {
    throw new ConfigurationError('options', describeUnknownKey(unknown.key, unknown.suggestion));
  }
  const { username, password } = options;
  if (typeof username !== 'string' || username === '' || username.includes(':')) {
    throw new ConfigurationError(
      'username',
      'must be a non-empty string without ":" (an administrator in role mfpadmin or mfpdeployer).',
    );
  }
  if (typeof password !== 'string' || password === '') {
    throw new ConfigurationError('password', 'must be a non-empty string.');
  }
  const runtime = options.runtime ?? adminDefaults.runtime;
  if (typeof runtime !== 'string' || !/^[A-Za-z0-9._~-]+$/.test(runtime)) {
    throw new ConfigurationError(
      'runtime',
      'must be a runtime name such as "mfp" (letters, digits, . _ ~ -).',
    );
  }
  const allowInsecureHttp = flag(options.allowInsecureHttp, 'allowInsecureHttp');
  const fetchOption = options.fetch;
  if (fetchOption !== undefined && typeof fetchOption !== 'function') {
    throw new ConfigurationError('fetch', 'must be a function with the signature of fetch.');
  }
  const ids = options.protectedClientIds ?? adminDefaults.protectedClientIds;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new ConfigurationError('protectedClientIds', 'must be a list of client IDs.');
  }
  const authorization = `Basic ${base64(`${username}:${password}`)}`;
  return {
    runtimeUrl: runtimeUrl(
      options.serverUrl,
      runtime,
      allowInsecureHttp ?? adminDefaults.allowInsecureHttp,
    ),
    runtime,
    authorization,
    secrets: [password, authorization.slice(6)],
    // Looked up at call time, so that mocks installed after the client was made still see it.
    fetch: fetchOption ?? ((input, init) => globalThis.fetch(input, init)),
    timeout: duration(options.timeout, 'timeout') ?? adminDefaults.timeout,
    async: flag(options.async, 'async') ?? adminDefaults.async,
    transactionTimeout:
      duration(options.transactionTimeout, 'transactionTimeout') ??
      adminDefaults.transactionTimeout,
    pollInterval: duration(options.pollInterval, 'pollInterval') ?? adminDefaults.pollInterval,
    protectedClientIds: new Set(ids),
  };
}

function runtimeUrl(serverUrl: unknown, runtime: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(serverUrl as string);
  } catch {
    throw new ConfigurationError(
      'serverUrl',
      'must be an absolute URL such as "https://mfp.example.com". (The value is not shown: if two options were swapped, it may be the password.)',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError('serverUrl', 'must be an http: or https: URL.');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(
      'serverUrl',
      'must not hold credentials, a ?query or a #fragment; give username and password apart.',
    );
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      'serverUrl',
      `uses http: on ${url.hostname}, which would send the administrator password and the client secrets in clear; use https:, or set allowInsecureHttp: true.`,
    );
  }
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  return new URL(`mfpadmin/management-apis/2.0/runtimes/${runtime}/`, base).href;
}

function flag(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError(name, 'must be true or false.');
  }
  return value;
}

function duration(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2_147_483_647) {
    throw new ConfigurationError(name, 'must be a number of milliseconds > 0 (at most 2^31 − 1).');
  }
  return value;
}

/** Base64 of the UTF-8 bytes (RFC 7617 `charset="UTF-8"`); `btoa` alone takes Latin-1 only. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
