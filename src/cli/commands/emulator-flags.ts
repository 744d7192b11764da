/**
 * The `dev-server` flags that configure the emulator (`--mode`, `--client`, `--token-lifetime`…),
 * turned into {@link MobileFirstEmulatorOptions}. The emulator validates them; its errors come back
 * as usage errors naming the flag.
 *
 * @module
 */

import {
  type ConfidentialClientRegistration,
  type EmulatorMode,
  MobileFirstEmulator,
  type MobileFirstEmulatorOptions,
} from 'confidential-client/dev-server';
import { UsageError } from '../errors.js';

/** The `parseArgs` configuration of the emulator's flags. */
export const emulatorFlags = {
  mode: { type: 'string', default: 'development' },
  runtime: { type: 'string' },
  'token-lifetime': { type: 'string' },
  client: { type: 'string', multiple: true },
  'invalid-client-status': { type: 'string' },
  'no-admin-client': { type: 'boolean' },
  'no-push-client': { type: 'boolean' },
  'no-sample-resource': { type: 'boolean' },
} as const;

/** The help lines of {@link emulatorFlags}. */
export const emulatorFlagsHelp = `  --mode <mode>            development (the test/test client exists) or production
                           (default development)
  --client <id:secret:allowedScope>
                           register a confidential client; repeat for more. The first ':' ends
                           the ID, the second ends the secret, and the rest is the space-separated
                           allowed scope, so quote it ("orders:s3cret:orders.read orders.write").
                           The ID and the secret cannot hold ':' (a scope element can); an empty
                           scope ("id:secret:") allows only RegisteredClient. A client with a
                           predefined ID (test, admin, push) replaces it
  --token-lifetime <s>     expires_in of access tokens, in whole seconds ≥ 1 (default 3599)
  --invalid-client-status <400|401>
                           status of an invalid_client answer (default 400, as IBM's validator
                           expects; 401 adds WWW-Authenticate: Basic)
  --runtime <name>         runtime, the first path segment of the endpoints (default mfp)
  --no-admin-client        leave out the internal admin client (admin:nimda)
  --no-push-client         leave out the internal push client (push:hsup)
  --no-sample-resource     do not protect the sample adapter resource`;

/** What `parseArgs` returns for {@link emulatorFlags}. */
export interface EmulatorFlagValues {
  readonly mode?: string;
  readonly runtime?: string;
  readonly 'token-lifetime'?: string;
  readonly client?: readonly string[];
  readonly 'invalid-client-status'?: string;
  readonly 'no-admin-client'?: boolean;
  readonly 'no-push-client'?: boolean;
  readonly 'no-sample-resource'?: boolean;
}

/**
 * How a `--client` value is shown in a message: the ID only, never the secret.
 */
function clientLabel(value: string): string {
  const colon = value.indexOf(':');
  return `--client "${colon === -1 ? value : `${value.slice(0, colon)}:…`}"`;
}

/**
 * Splits `id:secret:allowedScope` on its first two colons. The ID cannot hold ':' anyway (HTTP
 * Basic ends the user-id at the first one, RFC 7617 §2); a scope element can (RFC 6749 §3.3), so
 * the scope takes the rest, and the secret is the part a developer can choose without ':'.
 *
 * @throws UsageError if the value has fewer than two colons.
 */
function parseClient(value: string): ConfidentialClientRegistration {
  const first = value.indexOf(':');
  const second = first === -1 ? -1 : value.indexOf(':', first + 1);
  if (second === -1) {
    throw new UsageError(
      `${clientLabel(value)} must be id:secret:allowedScope, such as "orders:s3cret:orders.read" ` +
        '(an empty allowedScope, "id:secret:", allows only RegisteredClient)',
    );
  }
  return {
    id: value.slice(0, first),
    secret: value.slice(first + 1, second),
    allowedScope: value.slice(second + 1),
  };
}

/**
 * A whole number from a flag, or `NaN` for the emulator to reject: `Number()` alone would take
 * `1e3`, `0x10` and `''`.
 */
function integer(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/** Sets `key` only when `value` is defined (`exactOptionalPropertyTypes`). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Rewrites an emulator validation message for the command line: `options.tokenLifetime must be…`
 * becomes `--token-lifetime must be…, got "0"`. A message in another shape passes through as it is,
 * still a usage error.
 */
function toUsageError(error: Error, values: EmulatorFlagValues): UsageError {
  const flags: Record<string, [flag: string, raw: string | undefined]> = {
    mode: ['--mode', values.mode],
    runtime: ['--runtime', values.runtime],
    tokenLifetime: ['--token-lifetime', values['token-lifetime']],
    invalidClientStatus: ['--invalid-client-status', values['invalid-client-status']],
  };
  const clients = values.client ?? [];
  const client = /^options\.clients\[(\d+)\]\.?(.*)$/s.exec(error.message);
  if (client) {
    const raw = clients[Number(client[1])];
    return new UsageError(`${raw === undefined ? '--client' : clientLabel(raw)}: ${client[2]}`);
  }
  if (error.message.startsWith('options.clients')) {
    return new UsageError(error.message.replace(/^options\.clients/, '--client'));
  }
  const scalar = /^options\.(\w+) (.*)$/s.exec(error.message);
  const entry = scalar && flags[scalar[1] ?? ''];
  if (scalar && entry) {
    const [flag, raw] = entry;
    const message = `${flag} ${scalar[2]}`;
    return new UsageError(
      raw === undefined || message.includes('got ') ? message : `${message}, got "${raw}"`,
    );
  }
  return new UsageError(error.message);
}

/**
 * Builds the emulator the flags describe.
 *
 * @param values - The parsed flags.
 * @returns A new emulator.
 * @throws UsageError naming the flag that is wrong (the emulator's own validation, reworded).
 */
export function emulatorFromFlags(values: EmulatorFlagValues): MobileFirstEmulator {
  const options: MobileFirstEmulatorOptions = {
    mode: (values.mode ?? 'development') as EmulatorMode,
    clients: (values.client ?? []).map(parseClient),
    ...optional('runtime', values.runtime),
    ...optional('tokenLifetime', integer(values['token-lifetime'])),
    ...optional(
      'invalidClientStatus',
      integer(values['invalid-client-status']) as 400 | 401 | undefined,
    ),
    ...(values['no-admin-client'] ? { adminClient: false } : {}),
    ...(values['no-push-client'] ? { pushClient: false } : {}),
    ...(values['no-sample-resource'] ? { sampleResource: false } : {}),
  };
  try {
    return new MobileFirstEmulator(options);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw toUsageError(error, values);
    }
    throw error;
  }
}
