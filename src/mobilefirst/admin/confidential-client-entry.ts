import type { ScopeInput } from 'confidential-client';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A confidential client to register or change with {@link AdminClient.upsert}.
 *
 * A {@link ConfidentialClientEntry} read with `list()` or `get()` is one too. Note that
 * `{ ...entry }` drops its secret (it is not an own property, so that it never shows in logs):
 * for an existing client that keeps the current secret, which is usually what you want.
 */
export interface ConfidentialClientEntryInit {
  /** Unique client ID: printable ASCII, not empty. */
  readonly id: string;
  /**
   * Name shown in the console.
   * @default the current one for an existing client, else `id`
   */
  readonly displayName?: string | undefined;
  /**
   * The secret: printable ASCII, not empty. Required for a new client.
   * @default the current one for an existing client
   */
  readonly secret?: string | undefined;
  /**
   * Allowed scope: scope elements (a space-separated string or a list), each a valid scope token
   * that may hold `*` wildcards; `'*'` alone allows any scope. `[]` allows only
   * `RegisteredClient`.
   */
  readonly allowedScope: ScopeInput;
}

/** The fields of a {@link ConfidentialClientEntry}, secret included. @internal */
export interface ConfidentialClientEntryFields {
  readonly id: string;
  readonly displayName: string;
  readonly secret: string;
  readonly allowedScope: readonly string[];
}

/**
 * A registered confidential client, as the admin API lists it (Runtime Settings → Confidential
 * Clients in the console). `allowedScope` is a sorted list of unique elements (the wire holds a
 * space-separated string).
 *
 * The API returns secrets in clear text. Here the secret is read through {@link secret} only: it
 * is no own property, so `JSON.stringify`, `util.inspect`, `console.log`, `String()` and
 * `{ ...entry }` never show it.
 *
 * @example
 * ```ts
 * const entry = await admin.get('backend');
 * console.log(entry); // ConfidentialClientEntry { id: 'backend', …, secret: '[redacted]' }
 * const basic = btoa(`${entry.id}:${entry.secret}`);
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_get.html
 */
export class ConfidentialClientEntry {
  /** Client ID. */
  readonly id: string;
  /** Name shown in the console. */
  readonly displayName: string;
  /** Allowed scope: sorted unique elements, frozen. */
  readonly allowedScope: readonly string[];
  readonly #secret: string;

  /** @param fields - The client's fields, secret included. */
  constructor(fields: ConfidentialClientEntryFields) {
    this.id = fields.id;
    this.displayName = fields.displayName;
    this.allowedScope = Object.freeze([...fields.allowedScope]);
    this.#secret = fields.secret;
  }

  /** The client's secret, in clear. Treat it as a secret. */
  get secret(): string {
    return this.#secret;
  }

  /**
   * The entry without its secret, for `JSON.stringify`.
   *
   * @returns `{ id, displayName, allowedScope, secret: '[redacted]' }`.
   */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      displayName: this.displayName,
      allowedScope: [...this.allowedScope],
      secret: '[redacted]',
    };
  }

  /**
   * A one-line summary without the secret.
   *
   * @returns e.g. `ConfidentialClientEntry(backend, allowedScope="a b")`.
   */
  toString(): string {
    return `ConfidentialClientEntry(${this.id}, allowedScope="${this.allowedScope.join(' ')}")`;
  }

  /** What `util.inspect` (and `console.log`) shows: no secret. */
  [INSPECT](_depth: number, options: unknown, inspect?: (value: unknown, o: unknown) => string) {
    return typeof inspect === 'function'
      ? `ConfidentialClientEntry ${inspect(this.toJSON(), options)}`
      : this.toString();
  }
}
