import { createSecretKey } from 'node:crypto';
import { ConfigurationError, type Logger } from 'confidential-client';
import { describeUnknownKey, findUnknownKey } from '../util/unknown-keys.js';
import type { RedisTokenStoreClient } from './redis-client.js';
import {
  type FirstLevelOptions,
  type RedisTokenStoreOptions,
  redisTokenStoreDefaults,
} from './redis-token-store-options.js';
import type { CodecKey } from './token-codec.js';

/** What {@link RedisTokenStore} works with: options checked, defaults filled in. @internal */
export interface ResolvedStoreOptions {
  readonly client: RedisTokenStoreClient;
  readonly namespace: string;
  readonly keys: readonly CodecKey[];
  readonly lockTtl: number;
  readonly waitTimeout: number;
  readonly operationTimeout: number;
  readonly maxEntries: number;
  readonly maxAge: number;
  readonly logger: Logger | undefined;
  readonly now: () => number;
}

const KNOWN: ReadonlySet<string> = new Set<keyof RedisTokenStoreOptions>([
  'client',
  'namespace',
  'encryptionKeys',
  'lockTtl',
  'waitTimeout',
  'operationTimeout',
  'firstLevel',
  'logger',
  'now',
]);
const FIRST_LEVEL: ReadonlySet<string> = new Set<keyof FirstLevelOptions>(['maxEntries', 'maxAge']);
const KEY_FIELDS: ReadonlySet<string> = new Set(['id', 'key']);
const CLIENT_METHODS = ['get', 'eval', 'duplicate', 'on', 'off'] as const;

function fail(option: string, message: string): never {
  throw new ConfigurationError(option, message);
}

/** A whole number of ms within [min, max]. */
function duration(value: unknown, option: string, fallback: number, min: number): number {
  const ms = value ?? fallback;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < min || ms > 2_147_483_647) {
    fail(option, `must be a whole number of milliseconds, at least ${min}.`);
  }
  return ms;
}

/**
 * Checks the options of a {@link RedisTokenStore} and fills in the defaults. Never mutates them,
 * and never shows an encryption key in a message.
 *
 * @param options - What the caller passed.
 * @returns The resolved options.
 * @throws {ConfigurationError} Naming the option that is wrong.
 * @internal
 */
export function resolveStoreOptions(options: RedisTokenStoreOptions): ResolvedStoreOptions {
  if (typeof options !== 'object' || options === null)
    fail('options', 'must be an object { client }.');
  const unknown = findUnknownKey(options, KNOWN);
  if (unknown) fail('options', describeUnknownKey(unknown.key, unknown.suggestion));
  const { client } = options;
  if (
    typeof client !== 'object' ||
    client === null ||
    !CLIENT_METHODS.every(
      (m) => typeof (client as unknown as Record<string, unknown>)[m] === 'function',
    )
  ) {
    fail(
      'client',
      'must be a node-redis client (createClient(), createCluster() or createSentinel() of `redis`), connected.',
    );
  }
  const namespace = options.namespace ?? redisTokenStoreDefaults.namespace;
  if (typeof namespace !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(namespace)) {
    fail('namespace', 'must be 1 to 100 letters, digits, ".", "_", "-" or ":".');
  }
  const firstLevel = options.firstLevel ?? {};
  if (typeof firstLevel !== 'object' || firstLevel === null) {
    fail('firstLevel', 'must be an object { maxEntries, maxAge }.');
  }
  const unknownLevel = findUnknownKey(firstLevel, FIRST_LEVEL);
  if (unknownLevel)
    fail('firstLevel', describeUnknownKey(unknownLevel.key, unknownLevel.suggestion));
  const defaults = redisTokenStoreDefaults.firstLevel;
  const maxEntries = firstLevel.maxEntries ?? defaults.maxEntries;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    fail('firstLevel.maxEntries', 'must be a whole number of at least 1.');
  }
  const { logger, now = Date.now } = options;
  if (logger !== undefined && (typeof logger !== 'object' || logger === null)) {
    fail('logger', 'must be an object with debug, info, warn and error methods (console fits).');
  }
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch ms.');
  return {
    client,
    namespace,
    keys: resolveKeys(options.encryptionKeys),
    lockTtl: duration(options.lockTtl, 'lockTtl', redisTokenStoreDefaults.lockTtl, 10),
    waitTimeout: duration(
      options.waitTimeout,
      'waitTimeout',
      redisTokenStoreDefaults.waitTimeout,
      0,
    ),
    operationTimeout: duration(
      options.operationTimeout,
      'operationTimeout',
      redisTokenStoreDefaults.operationTimeout,
      1,
    ),
    maxEntries,
    maxAge: duration(firstLevel.maxAge, 'firstLevel.maxAge', defaults.maxAge, 0),
    logger,
    now,
  };
}

function resolveKeys(keys: RedisTokenStoreOptions['encryptionKeys']): CodecKey[] {
  if (keys === undefined) return [];
  if (!Array.isArray(keys) || keys.length === 0) {
    fail(
      'encryptionKeys',
      'must be a non-empty list of { id, key } (leave it out to store in clear).',
    );
  }
  const seen = new Set<string>();
  return keys.map((entry: unknown, i) => {
    const option = `encryptionKeys[${i}]`;
    if (typeof entry !== 'object' || entry === null) fail(option, 'must be an object { id, key }.');
    const { id, key } = entry as { id?: unknown; key?: unknown };
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      fail(`${option}.id`, 'must be 1 to 64 letters, digits, "_" or "-".');
    }
    if (seen.has(id)) fail(`${option}.id`, `repeats the id "${id}": each key needs its own.`);
    seen.add(id);
    const unknownKey = findUnknownKey(entry, KEY_FIELDS);
    if (unknownKey) fail(option, describeUnknownKey(unknownKey.key, unknownKey.suggestion));
    const bytes =
      key instanceof Uint8Array
        ? Buffer.from(key)
        : typeof key === 'string' && /^[A-Za-z0-9+/_-]+={0,2}$/.test(key)
          ? Buffer.from(key, key.includes('-') || key.includes('_') ? 'base64url' : 'base64')
          : undefined;
    if (bytes?.length !== 32) {
      fail(
        `${option}.key`,
        'must be 32 bytes (AES-256): a Uint8Array, or its base64 (e.g. `openssl rand -base64 32`).',
      );
    }
    const secret = createSecretKey(bytes);
    bytes.fill(0);
    return { id, key: secret };
  });
}
