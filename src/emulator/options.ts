/**
 * Options of the MobileFirst emulator: the public option types with their defaults, and the
 * resolved form the endpoints read. Resolution and validation: `resolve-options.ts`.
 *
 * @module
 */
import { keysOf } from './known-keys.js';

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
  /** The emulator's clock, in epoch ms. */
  readonly now: () => number;
  /** How the emulator waits (fault delays). */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}
