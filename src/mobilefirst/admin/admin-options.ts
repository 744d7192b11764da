/**
 * Options of {@link AdminClient} and of its calls, with their defaults.
 *
 * @module
 */

/** Options of {@link AdminClient}. */
export interface AdminClientOptions {
  /**
   * The MobileFirst server, e.g. `https://mfp.example.com` (the admin service is under
   * `/mfpadmin`). `http:` only on loopback unless `allowInsecureHttp`: the password travels with
   * every call.
   */
  readonly serverUrl: string | URL;
  /**
   * The runtime whose confidential clients are managed.
   * @default 'mfp'
   */
  readonly runtime?: string;
  /** An administrator (role `mfpadmin` or `mfpdeployer`), sent with HTTP Basic. */
  readonly username: string;
  /** The administrator's password. */
  readonly password: string;
  /**
   * The `fetch` used for every call.
   * @default globalThis.fetch, looked up at call time (so MSW or nock installed later still see it)
   */
  readonly fetch?: typeof fetch;
  /**
   * Time limit of one HTTP request, in ms.
   * @default 30000
   */
  readonly timeout?: number;
  /**
   * Allow `http:` to hosts other than loopback (the password and the secrets then travel in clear).
   * @default false
   */
  readonly allowInsecureHttp?: boolean;
  /**
   * Write with `?async=true` and follow the transaction (`GET …/transactions/{id}`) until it ends.
   * Off, writes are synchronous (the API's default): the `PUT` answers once the transaction has
   * ended. Either way, a transaction answered as not yet ended is followed.
   * @default false
   */
  readonly async?: boolean;
  /**
   * How long to follow a transaction that has not ended, in ms, before failing with an
   * `AdminError` of kind `transaction-timeout` (the change may still be applied later).
   * @default 60000
   */
  readonly transactionTimeout?: number;
  /**
   * Time between two reads of a transaction that has not ended, in ms.
   * @default 1000
   */
  readonly pollInterval?: number;
  /**
   * Clients that `upsert` and `remove` refuse to change without `{ force: true }`: MobileFirst's
   * internal clients, whose IDs the administration and push services hold in their JNDI settings
   * (`mfp.admin.authorization.client.id`, `mfp.push.authorization.client.id`). Changing them
   * breaks push notifications (APAR PI80050).
   * @default ['admin', 'push']
   */
  readonly protectedClientIds?: readonly string[];
}

/** Options of one read (`list`, `get`). */
export interface AdminCallOptions {
  /** Aborts the call; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options of one write (`upsert`, `remove`). */
export interface AdminWriteOptions extends AdminCallOptions {
  /**
   * Change a client listed in `protectedClientIds` (MobileFirst's `admin` and `push` clients).
   * @default false
   */
  readonly force?: boolean;
  /**
   * How many times to read the list again and reapply the change when it changed between the
   * read and the check before the write (an `AdminConflictError` once they are used up), 0–10.
   * @default 0
   */
  readonly retries?: number;
}

/** The defaults of {@link AdminClientOptions}, frozen. */
export const adminDefaults = Object.freeze({
  runtime: 'mfp',
  timeout: 30_000,
  allowInsecureHttp: false,
  async: false,
  transactionTimeout: 60_000,
  pollInterval: 1_000,
  protectedClientIds: Object.freeze(['admin', 'push']) as readonly string[],
});
