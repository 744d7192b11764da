import { InvalidInputError } from '../invalid-input-error.js';
import { AdminConflictError } from './admin-conflict-error.js';
import { AdminHttp } from './admin-http.js';
import type { AdminCallOptions, AdminClientOptions, AdminWriteOptions } from './admin-options.js';
import {
  compareLists,
  parseClientList,
  removeClient,
  secretsOf,
  toEntry,
  type UpsertAction,
  upsertClient,
  type WireClient,
} from './client-list-wire.js';
import type {
  ConfidentialClientEntry,
  ConfidentialClientEntryInit,
} from './confidential-client-entry.js';
import { type ResolvedAdminOptions, resolveAdminOptions } from './resolve-admin-options.js';
import { validateClientId, validateEntry } from './validate-entry.js';
import { writeClientList } from './write-client-list.js';

/** What {@link AdminClient.upsert} did. */
export interface UpsertResult {
  /** `created`, `updated`, or `unchanged` (the client was already so: nothing was written). */
  readonly action: UpsertAction;
  /** The client as registered now. */
  readonly client: ConfidentialClientEntry;
}

/** The most retries a write may ask for. */
const MAX_RETRIES = 10;

/**
 * Registers, changes and removes the confidential clients of a MobileFirst runtime through the
 * admin REST API (`GET`/`PUT {serverUrl}/mfpadmin/management-apis/2.0/runtimes/{runtime}/confidentialclients`),
 * as an administrator authenticated with HTTP Basic (no OAuth token is involved).
 *
 * The API only reads and replaces the **whole list**, so `upsert` and `remove` read it, change
 * one client (keeping every other client, and fields this package does not know, as they are),
 * **read it again right before writing**, and fail with an {@link AdminConflictError} (nothing
 * written) if it changed in between; `{ retries }` reapplies the change on the new list instead.
 * The API has no ETag or `If-Match`, so a writer that lands between that second read and the
 * `PUT` is not detected: the window for a lost update is narrowed, not closed. Keep one writer at
 * a time where that matters.
 *
 * Writes wait until the server has applied them: synchronous `PUT`s by default, or with
 * `async: true` a `PUT ?async=true` whose transaction is followed through
 * `GET …/transactions/{id}` until it ends, for at most `transactionTimeout` ms.
 *
 * MobileFirst's internal `admin` and `push` clients (`protectedClientIds`) are refused unless a
 * write passes `{ force: true }`: changing them breaks push notifications. The API returns
 * secrets in clear text: they never show in errors, `util.inspect` or `JSON.stringify` of the
 * entries (see {@link ConfidentialClientEntry}).
 *
 * @example
 * ```ts
 * const admin = new AdminClient({ serverUrl: 'https://mfp.example.com', username: 'admin', password });
 * await admin.upsert({ id: 'backend', secret: backendSecret, allowedScope: ['accessRestricted'] });
 * console.log(await admin.list()); // secrets show as '[redacted]'
 * await admin.remove('backend');
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_put.html
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 */
export class AdminClient {
  readonly #options: ResolvedAdminOptions;
  readonly #http: AdminHttp;
  /** The last write in line: the next one starts when it has settled. */
  #writes: Promise<void> = Promise.resolve();

  /**
   * @param options - Server, runtime, administrator credentials and limits.
   * @throws {ConfigurationError} Naming the option that is wrong (never showing the password).
   */
  constructor(options: AdminClientOptions) {
    this.#options = resolveAdminOptions(options);
    this.#http = new AdminHttp(this.#options);
  }

  /**
   * Lists the runtime's confidential clients, in the server's order.
   *
   * @param options - `{ signal }`.
   * @returns The clients (MobileFirst's `test`, `admin` and `push` included when they exist).
   * @throws {AdminError} For an HTTP error (401 credentials, 403 role, 404 runtime, 5xx), a
   *   timeout, a network failure or an answer that is not a client list.
   * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_get.html
   */
  async list(options: AdminCallOptions = {}): Promise<ConfidentialClientEntry[]> {
    const list = await this.#read([...this.#options.secrets], callSignal(options));
    return list.map(toEntry);
  }

  /**
   * One confidential client.
   *
   * @param id - The client ID.
   * @param options - `{ signal }`.
   * @returns The client, or `undefined` if none has that ID.
   * @throws {InvalidInputError} If `id` is not a non-empty printable ASCII string.
   * @throws {AdminError} As {@link list}.
   */
  async get(
    id: string,
    options: AdminCallOptions = {},
  ): Promise<ConfidentialClientEntry | undefined> {
    validateClientId(id, 'id');
    const found = (await this.#read([...this.#options.secrets], callSignal(options))).find(
      (client) => client.id === id,
    );
    return found && toEntry(found);
  }

  /**
   * Registers a client, or changes the one with the same ID (in place: the list keeps its order).
   * `displayName` and `secret` left out keep their current values; a new client needs a secret.
   * Nothing is written when the client is already so (`action: 'unchanged'`).
   *
   * @param client - `{ id, secret?, allowedScope, displayName? }`, checked before any request.
   * @param options - `{ force, retries, signal }`.
   * @returns What was done, and the client as registered now.
   * @throws {InvalidInputError} For a field that is wrong (non-ASCII ID or secret, an allowed
   *   scope element that is not a scope token, a new client without a secret), or a protected
   *   client without `force`. Nothing is written; only a new client without a secret is found
   *   after the first read.
   * @throws {AdminConflictError} If the list changed between the read and the check before the
   *   write, on every attempt; nothing was written.
   * @throws {AdminError} As {@link list}, or when the write fails (`transaction-failed` with the
   *   server's details, `transaction-timeout`).
   * @example
   * ```ts
   * const { action } = await admin.upsert(
   *   { id: 'backend', secret: process.env.BACKEND_SECRET, allowedScope: 'accessRestricted push.*' },
   *   { retries: 2 },
   * );
   * ```
   */
  async upsert(
    client: ConfidentialClientEntryInit,
    options: AdminWriteOptions = {},
  ): Promise<UpsertResult> {
    const change = validateEntry(client);
    const { force, retries, signal } = writeOptions(options);
    this.#guard(change.id, 'client.id', force);
    return this.#change('upsert', change.id, retries, signal, (list) => {
      const { list: next, action } = upsertClient(list, change);
      const entry = toEntry(next.find((c) => c.id === change.id)!);
      return { list: action === 'unchanged' ? undefined : next, result: { action, client: entry } };
    });
  }

  /**
   * Removes a client. Tokens it holds stay valid until they expire.
   *
   * @param id - The client ID.
   * @param options - `{ force, retries, signal }`.
   * @returns `true` if it was removed, `false` if no client had that ID (nothing written).
   * @throws {InvalidInputError} For an ID that is not printable ASCII, or a protected client
   *   without `force`.
   * @throws {AdminConflictError} As {@link upsert}.
   * @throws {AdminError} As {@link upsert}.
   */
  async remove(id: string, options: AdminWriteOptions = {}): Promise<boolean> {
    validateClientId(id, 'id');
    const { force, retries, signal } = writeOptions(options);
    this.#guard(id, 'id', force);
    return this.#change('remove', id, retries, signal, (list) => {
      const next = removeClient(list, id);
      return { list: next, result: next !== undefined };
    });
  }

  /** Reads the list; adds its secrets to `secrets`, for the errors of the rest of the call. */
  async #read(secrets: string[], signal: AbortSignal | undefined): Promise<WireClient[]> {
    const answer = await this.#http.send('GET', 'confidentialclients', undefined, signal);
    const list = answer.status === 200 ? parseClientList(answer.json) : undefined;
    if (!list) throw this.#http.failure(answer, 'reading the client list', secrets);
    secrets.push(...secretsOf(list));
    return list;
  }

  /**
   * Read, modify, read again and compare, write: see the class documentation. The writes of one
   * `AdminClient` run one after another: two of them interleaving would both pass the compare and
   * the second PUT would drop the first one's change.
   */
  #change<T>(
    operation: 'upsert' | 'remove',
    id: string,
    retries: number,
    signal: AbortSignal | undefined,
    modify: (list: readonly WireClient[]) => { list: WireClient[] | undefined; result: T },
  ): Promise<T> {
    const run = this.#writes.then(() => this.#changeNow(operation, id, retries, signal, modify));
    this.#writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async #changeNow<T>(
    operation: 'upsert' | 'remove',
    id: string,
    retries: number,
    signal: AbortSignal | undefined,
    modify: (list: readonly WireClient[]) => { list: WireClient[] | undefined; result: T },
  ): Promise<T> {
    signal?.throwIfAborted();
    const secrets = [...this.#options.secrets];
    let base = await this.#read(secrets, signal);
    for (let attempt = 1; ; attempt++) {
      const { list, result } = modify(base);
      if (list === undefined) return result;
      const check = await this.#read(secrets, signal);
      const { same, changedIds } = compareLists(base, check);
      if (same) {
        secrets.push(...secretsOf(list));
        await writeClientList(this.#http, list, this.#options, secrets, signal);
        return result;
      }
      if (attempt > retries) throw new AdminConflictError(operation, id, changedIds, attempt);
      base = check;
    }
  }

  #guard(id: string, field: string, force: boolean): void {
    if (force || !this.#options.protectedClientIds.has(id)) return;
    throw new InvalidInputError(
      field,
      `is ${JSON.stringify(id)}, a protected client (protectedClientIds: MobileFirst's internal admin and push clients by default). The administration and push services authenticate with it, so changing it breaks push notifications (APAR PI80050); pass { force: true } to change it anyway.`,
    );
  }
}

function callSignal(options: AdminCallOptions): AbortSignal | undefined {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError('options', 'must be an object { signal? }.');
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidInputError('options.signal', 'must be an AbortSignal.');
  }
  return signal;
}

function writeOptions(options: AdminWriteOptions): {
  force: boolean;
  retries: number;
  signal: AbortSignal | undefined;
} {
  const signal = callSignal(options);
  const { force = false, retries = 0 } = options;
  if (typeof force !== 'boolean') {
    throw new InvalidInputError('options.force', 'must be true or false.');
  }
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new InvalidInputError('options.retries', `must be an integer from 0 to ${MAX_RETRIES}.`);
  }
  return { force, retries, signal };
}
