/**
 * Options of the MobileFirst emulator, their defaults and their validation.
 *
 * @module
 */
import { sleep } from '../util/sleep.js';

/** A confidential client as MobileFirst registers it (Runtime Settings → Confidential Clients). */
export interface ConfidentialClientRegistration {
  /** Unique client ID (ASCII). */
  readonly id: string;
  /** Display name; the console shows the ID when it is omitted. @default id */
  readonly displayName?: string;
  /** The client's secret (printable ASCII). */
  readonly secret: string;
  /**
   * Space-separated allowed scope. Each element may hold `*` wildcards; `*` alone allows any
   * scope. `RegisteredClient` is always allowed.
   */
  readonly allowedScope: string;
}

/** An ID and a secret, used for the internal `admin` and `push` confidential clients. */
export interface ClientCredentials {
  /** Client ID. */
  readonly id: string;
  /** Client secret. */
  readonly secret: string;
}

/** A user of the admin REST API (HTTP Basic). */
export interface AdministratorCredentials {
  /** User name. */
  readonly username: string;
  /** Password. */
  readonly password: string;
}

/** `development` (DevKit: the `test` client exists) or `production` (no `test` client). */
export type EmulatorMode = 'development' | 'production';

/** Options of {@link MobileFirstEmulator}. Every field is optional. */
export interface MobileFirstEmulatorOptions {
  /**
   * Server mode. In `development` the predefined `test` client (`test`/`test`, scope `*`) exists,
   * as on the DevKit; in `production` it does not.
   * @default 'development'
   */
  readonly mode?: EmulatorMode;
  /**
   * Runtime name, the first path segment of the token and introspection endpoints and of the
   * sample adapter resource.
   * @default 'mfp'
   */
  readonly runtime?: string;
  /**
   * Lifetime of issued access tokens in seconds (`expires_in`), an integer ≥ 1.
   * @default 3599
   */
  readonly tokenLifetime?: number;
  /** Confidential clients to register on top of the predefined ones. @default [] */
  readonly clients?: readonly ConfidentialClientRegistration[];
  /**
   * The internal `admin` confidential client (allowed scope `*`), or `false` to leave it out.
   * @default { id: 'admin', secret: 'nimda' } (DevKit default)
   */
  readonly adminClient?: ClientCredentials | false;
  /**
   * The internal `push` confidential client (allowed scope `*`), or `false` to leave it out.
   * @default { id: 'push', secret: 'hsup' } (DevKit default)
   */
  readonly pushClient?: ClientCredentials | false;
  /**
   * The console administrator allowed to call the admin REST API (HTTP Basic).
   * @default { username: 'admin', password: 'admin' } (DevKit default)
   */
  readonly administrator?: AdministratorCredentials;
  /**
   * HTTP status of an `invalid_client` answer (unknown client, wrong secret, no credentials).
   * IBM's own Node validator handles `400 invalid_client`, so that is the default; the API
   * reference lists `401 Unauthorized client`, which `401` selects (with `WWW-Authenticate: Basic`).
   * @default 400
   */
  readonly invalidClientStatus?: 400 | 401;
  /**
   * Whether to protect the sample adapter resource `/{runtime}/api/adapters/sample/resource` with
   * the scope `accessRestricted`.
   * @default true
   */
  readonly sampleResource?: boolean;
  /**
   * Generate an RSA key for this emulator alone. By default the emulators of one process share one
   * key (generated lazily on the first token), because generating one takes about 0.3 s; each
   * emulator still accepts only the tokens it issued.
   * @default false
   */
  readonly ownSigningKey?: boolean;
  /** Clock in epoch milliseconds. {@link MobileFirstEmulator.advanceClock} adds to it. @default Date.now */
  readonly now?: () => number;
  /**
   * Waits `ms` milliseconds; used for injected latency. `signal` aborts when the request is
   * aborted (or the dev server closes); the emulator stops waiting then even if `sleep` does not.
   * @default a `setTimeout` promise, cleared on abort
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Options with every default filled in. @internal */
export interface ResolvedEmulatorOptions {
  readonly mode: EmulatorMode;
  readonly runtime: string;
  readonly tokenLifetime: number;
  readonly clients: readonly ConfidentialClientRegistration[];
  readonly adminClient: ClientCredentials | false;
  readonly pushClient: ClientCredentials | false;
  readonly administrator: AdministratorCredentials;
  readonly invalidClientStatus: 400 | 401;
  readonly sampleResource: boolean;
  readonly ownSigningKey: boolean;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The default `sleep`: a timer that is cleared (and rejects) when `signal` aborts, so that an
 * aborted delay keeps no process alive.
 */
function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal);
}

const ASCII = /^[\x20-\x7E]*$/;
const RUNTIME = /^[A-Za-z0-9_.-]+$/;

/**
 * Validates one client registration and fills in its display name.
 *
 * @param client - The registration to check.
 * @param where - Where it came from, for the error message.
 * @returns A copy with `displayName` set.
 * @throws TypeError if a field is missing or not ASCII.
 * @internal
 */
export function validateClient(client: unknown, where: string): ConfidentialClientRegistration {
  if (typeof client !== 'object' || client === null) {
    throw new TypeError(`${where} must be an object { id, secret, allowedScope, displayName? }`);
  }
  const { id, secret, allowedScope, displayName } = client as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || !ASCII.test(id)) {
    throw new TypeError(`${where}.id must be a non-empty string of ASCII characters`);
  }
  if (typeof secret !== 'string' || secret === '' || !ASCII.test(secret)) {
    throw new TypeError(`${where}.secret must be a non-empty string of ASCII characters`);
  }
  if (typeof allowedScope !== 'string' || !ASCII.test(allowedScope)) {
    throw new TypeError(`${where}.allowedScope must be a space-separated string of scope elements`);
  }
  if (displayName !== undefined && typeof displayName !== 'string') {
    throw new TypeError(`${where}.displayName must be a string when given`);
  }
  return { id, secret, allowedScope, displayName: displayName ?? id };
}

/**
 * Checks that client IDs are unique.
 *
 * @param clients - Clients to check.
 * @param where - Where they came from, for the error message.
 * @throws TypeError naming the first duplicate ID.
 * @internal
 */
export function assertUniqueIds(
  clients: readonly ConfidentialClientRegistration[],
  where: string,
): void {
  const seen = new Set<string>();
  for (const client of clients) {
    if (seen.has(client.id)) throw new TypeError(`${where}: client id "${client.id}" is repeated`);
    seen.add(client.id);
  }
}

function validateCredentials(value: unknown, name: string): ClientCredentials | false {
  if (value === false) return false;
  const { id, secret } = validateClient({ ...(value as object), allowedScope: '*' }, name);
  return { id, secret };
}

/**
 * Fills defaults into emulator options and validates them. Never mutates `options`.
 *
 * @param options - What the caller passed.
 * @returns The resolved options.
 * @throws TypeError or RangeError naming the option that is wrong.
 * @internal
 */
export function resolveEmulatorOptions(
  options: MobileFirstEmulatorOptions = {},
): ResolvedEmulatorOptions {
  const mode = options.mode ?? 'development';
  if (mode !== 'development' && mode !== 'production') {
    throw new TypeError(`options.mode must be 'development' or 'production', got ${String(mode)}`);
  }
  const runtime = options.runtime ?? 'mfp';
  if (typeof runtime !== 'string' || !RUNTIME.test(runtime)) {
    throw new TypeError(
      'options.runtime must be a path segment such as "mfp" (letters, digits, _ . -)',
    );
  }
  const tokenLifetime = options.tokenLifetime ?? 3599;
  if (!Number.isInteger(tokenLifetime) || tokenLifetime < 1) {
    throw new RangeError('options.tokenLifetime must be an integer number of seconds ≥ 1');
  }
  const invalidClientStatus = options.invalidClientStatus ?? 400;
  if (invalidClientStatus !== 400 && invalidClientStatus !== 401) {
    throw new RangeError('options.invalidClientStatus must be 400 or 401');
  }
  const clients = (options.clients ?? []).map((client, i) =>
    validateClient(client, `options.clients[${i}]`),
  );
  assertUniqueIds(clients, 'options.clients');
  const administrator = options.administrator ?? { username: 'admin', password: 'admin' };
  if (typeof administrator.username !== 'string' || typeof administrator.password !== 'string') {
    throw new TypeError('options.administrator must be { username: string, password: string }');
  }
  for (const name of ['now', 'sleep'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`options.${name} must be a function`);
    }
  }
  return {
    mode,
    runtime,
    tokenLifetime,
    clients,
    adminClient: validateCredentials(
      options.adminClient ?? { id: 'admin', secret: 'nimda' },
      'options.adminClient',
    ),
    pushClient: validateCredentials(
      options.pushClient ?? { id: 'push', secret: 'hsup' },
      'options.pushClient',
    ),
    administrator: { username: administrator.username, password: administrator.password },
    invalidClientStatus,
    sampleResource: options.sampleResource ?? true,
    ownSigningKey: options.ownSigningKey ?? false,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? defaultSleep,
  };
}
