/**
 * Options of the MobileFirst emulator, their defaults and their validation.
 *
 * @module
 */
import { sleep } from '../util/sleep.js';
import { describeUnknownKey, findUnknownKey } from '../util/unknown-keys.js';

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

/**
 * A set of every key of an options type, built from a `Record<keyof T, true>` so that TypeScript
 * fails the build when a key is added to `T` but not to the record, or the other way round.
 *
 * @param keys - `{ key: true, … }` for every key of `T`.
 * @returns The keys, for {@link assertKnownKeys}.
 * @internal
 */
export function keysOf<T>(keys: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

const CLIENT_KEYS = keysOf<ConfidentialClientRegistration>({
  id: true,
  displayName: true,
  secret: true,
  allowedScope: true,
});

/** An ID and a secret, used for the internal `admin` and `push` confidential clients. */
export interface ClientCredentials {
  /** Client ID. */
  readonly id: string;
  /** Client secret. */
  readonly secret: string;
}

const CREDENTIALS_KEYS = keysOf<ClientCredentials>({ id: true, secret: true });

/** A user of the admin REST API (HTTP Basic). */
export interface AdministratorCredentials {
  /** User name. */
  readonly username: string;
  /** Password. */
  readonly password: string;
}

const ADMINISTRATOR_KEYS = keysOf<AdministratorCredentials>({ username: true, password: true });

/** `development` (DevKit: the `test` client exists) or `production` (no `test` client). */
export type EmulatorMode = 'development' | 'production';

/** Options of {@link MobileFirstEmulator}. Every field is optional; an unknown key is a TypeError. */
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

/**
 * Every key of {@link MobileFirstEmulatorOptions}, to reject unknown ones (and to tell
 * `startDevServer` callers that an emulator option belongs in `emulatorOptions`).
 * @internal
 */
export const EMULATOR_OPTION_KEYS = keysOf<MobileFirstEmulatorOptions>({
  mode: true,
  runtime: true,
  tokenLifetime: true,
  clients: true,
  adminClient: true,
  pushClient: true,
  administrator: true,
  invalidClientStatus: true,
  sampleResource: true,
  ownSigningKey: true,
  now: true,
  sleep: true,
});

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
 * Rejects a key of `value` that is not in `known`, naming it and the nearest known key.
 *
 * @param value - An object the caller passed.
 * @param known - Every key it may hold.
 * @param where - Where it came from, for the error message (`options.clients[0]`).
 * @throws TypeError such as `options."mdoe" is not a known option (did you mean "mode"?)`.
 * @internal
 */
export function assertKnownKeys(value: object, known: ReadonlySet<string>, where: string): void {
  const unknown = findUnknownKey(value, known);
  if (unknown) {
    throw new TypeError(`${where}.${describeUnknownKey(unknown.key, unknown.suggestion)}`);
  }
}

/**
 * Validates one client registration and fills in its display name.
 *
 * @param client - The registration to check.
 * @param where - Where it came from, for the error message.
 * @returns A copy with `displayName` set.
 * @throws TypeError if a field is missing or not ASCII, or a key is not one of the four.
 * @internal
 */
export function validateClient(
  client: unknown,
  where: string,
  strict = true,
): ConfidentialClientRegistration {
  if (typeof client !== 'object' || client === null) {
    throw new TypeError(`${where} must be an object { id, secret, allowedScope, displayName? }`);
  }
  if (strict) assertKnownKeys(client, CLIENT_KEYS, where);
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
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name} must be { id, secret } or false`);
  }
  assertKnownKeys(value, CREDENTIALS_KEYS, name);
  const { id, secret } = validateClient({ ...value, allowedScope: '*' }, name);
  return { id, secret };
}

/**
 * Fills defaults into emulator options and validates them. Never mutates `options`.
 *
 * @param options - What the caller passed.
 * @returns The resolved options.
 * @throws TypeError or RangeError naming the option that is wrong, or a key it does not know.
 * @internal
 */
export function resolveEmulatorOptions(
  options: MobileFirstEmulatorOptions = {},
): ResolvedEmulatorOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object of emulator options');
  }
  assertKnownKeys(options, EMULATOR_OPTION_KEYS, 'options');
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
  assertKnownKeys(administrator, ADMINISTRATOR_KEYS, 'options.administrator');
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
