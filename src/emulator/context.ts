/**
 * The in-memory state every endpoint of the emulator reads and writes. Types only, imported from
 * modules that hold state and never import an endpoint, so that every endpoint can take the
 * context without an import cycle.
 *
 * @module
 * @internal
 */

import type { AdminTransactions } from './admin-transactions.js';
import type { ClientRegistry } from './client-registry.js';
import type { CounterSet } from './counters.js';
import type { FaultState } from './faults.js';
import type { IssuedTokens } from './issued-tokens.js';
import type { JwtSigner } from './jwt.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { ProtectedResources } from './protected-resources.js';
import type { RecordedPushMessage } from './push-message.js';

/** State shared by the endpoints of one emulator. @internal */
export interface EmulatorContext {
  readonly options: ResolvedEmulatorOptions;
  /** The emulator's clock (epoch ms), `options.now()` plus any {@link MobileFirstEmulator.advanceClock}. */
  now(): number;
  readonly clients: ClientRegistry;
  readonly tokens: IssuedTokens;
  readonly signer: JwtSigner;
  readonly counters: CounterSet;
  readonly faults: FaultState;
  readonly resources: ProtectedResources;
  readonly pushMessages: RecordedPushMessage[];
  /** Admin API transactions, injected write failures and read hooks. */
  readonly admin: AdminTransactions;
  /** The next admin transaction ID of this emulator: 1, 2, 3… */
  nextTransactionId(): number;
}
