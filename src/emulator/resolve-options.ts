/**
 * Resolution of the emulator's options: defaults filled in, every value validated with a message
 * naming the option, unknown keys rejected.
 *
 * @module
 * @internal
 */
import { sleep } from '../util/sleep.js';
import { assertKnownKeys, keysOf } from './known-keys.js';
import type {
  AdministratorCredentials,
  ClientCredentials,
  ConfidentialClientRegistration,
  MobileFirstEmulatorOptions,
  ResolvedEmulatorOptions,
} from './options.js';
import { EMULATOR_OPTION_KEYS } from './options.js';

const CLIENT_KEYS = keysOf<ConfidentialClientRegistration>({
  id: true,
  displayName: true,
  secret: true,
  allowedScope: true,
});

const CREDENTIALS_KEYS = keysOf<ClientCredentials>({ id: true, secret: true });

const ADMINISTRATOR_KEYS = keysOf<AdministratorCredentials>({ username: true, password: true });

const ASCII = /^[\x20-\x7E]*$/;
const RUNTIME = /^[A-Za-z0-9_.-]+$/;

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
    // The core's timer: cleared (and rejecting) when the signal aborts, so an aborted delay keeps no
    // process alive.
    sleep: options.sleep ?? sleep,
  };
}
