/** What {@link AccessToken} is made from. */
export interface AccessTokenInit {
  /** The token itself. */
  accessToken: string;
  /** Token type: `Bearer`, or `DPoP` for a token bound to a DPoP key (RFC 9449). */
  tokenType: string;
  /** Granted scope, normalized (sorted unique elements). */
  scope: readonly string[];
  /** When the token stops being valid, in epoch ms. */
  expiresAt: number;
  /** When the token was requested, in epoch ms. */
  issuedAt: number;
  /** The decoded JWT payload, if the token is a JWT. */
  claims?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The plain-data form of an {@link AccessToken}, for token stores that must serialize it (Redis).
 * It holds the token itself: keep it out of logs.
 */
export type AccessTokenRecord = Omit<AccessTokenInit, 'scope'> & { scope: string[] };

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * What an access token may hold to travel in `Authorization: Bearer …`: visible ASCII. RFC 6750's
 * `b64token` is stricter (`A–Z a–z 0–9 - . _ ~ + /`, then `=`), but servers issue opaque tokens with
 * other visible characters that every HTTP stack sends fine; anything else would make every
 * request with the token fail in `Headers`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @internal
 */
export const HEADER_SAFE_TOKEN = /^[\x21-\x7E]+$/;

/** The largest epoch ms a `Date` holds (ECMA-262 §21.4.1.22): beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

function isDateMs(value: unknown): value is number {
  return typeof value === 'number' && Math.abs(value) <= MAX_DATE_MS;
}

/**
 * An OAuth 2.0 access token and what is known about it.
 *
 * The token itself is `accessToken` (or `authorization`, ready for the header). It never shows in
 * `JSON.stringify`, `util.inspect`, `console.log` or `String()` of this object, so a token object
 * can be logged safely.
 */
export class AccessToken {
  /** Token type: `Bearer`, or `DPoP` for a token bound to the client's DPoP key (RFC 9449). */
  readonly tokenType: string;
  /** Granted scope: sorted unique elements. */
  readonly scope: readonly string[];
  /** When the token stops being valid, in epoch ms (the earlier of `expires_in` and JWT `exp`). */
  readonly expiresAt: number;
  /** When it was requested (the request's send time), in epoch ms. */
  readonly issuedAt: number;
  /**
   * The decoded JWT payload (not verified: this client only reads it), or `undefined` for an
   * opaque token. MobileFirst puts `exp` here in milliseconds.
   */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  readonly #value: string;
  #authorization: string | undefined;

  /** @param init - The token's fields. */
  constructor(init: AccessTokenInit) {
    this.#value = init.accessToken;
    this.tokenType = init.tokenType;
    this.scope = Object.freeze([...init.scope]);
    this.expiresAt = init.expiresAt;
    this.issuedAt = init.issuedAt;
    this.claims = init.claims === undefined ? undefined : Object.freeze({ ...init.claims });
  }

  /** The access token string. Treat it as a secret. */
  get accessToken(): string {
    return this.#value;
  }

  /**
   * The `Authorization` header value: `Bearer <token>`, or `DPoP <token>` for a DPoP-bound token
   * (which also needs a `DPoP` proof header on each request: `client.fetch` adds it).
   */
  get authorization(): string {
    this.#authorization ??= `${this.tokenType === 'DPoP' ? 'DPoP' : 'Bearer'} ${this.#value}`;
    return this.#authorization;
  }

  /** The token's lifetime in ms, from request to expiry. */
  get lifetime(): number {
    return this.expiresAt - this.issuedAt;
  }

  /**
   * The plain-data form, holding the token itself, for token stores that serialize.
   *
   * @returns A record that {@link AccessToken.fromRecord} turns back into a token.
   */
  toRecord(): AccessTokenRecord {
    const record: AccessTokenRecord = {
      accessToken: this.#value,
      tokenType: this.tokenType,
      scope: [...this.scope],
      expiresAt: this.expiresAt,
      issuedAt: this.issuedAt,
    };
    if (this.claims !== undefined) record.claims = this.claims;
    return record;
  }

  /**
   * Rebuilds a token from {@link AccessToken.toRecord}'s output.
   *
   * @param record - A record read back from a store.
   * @returns The token, or `undefined` if the record is not well formed.
   */
  static fromRecord(record: unknown): AccessToken | undefined {
    const r = record as Partial<AccessTokenRecord> | null;
    if (
      typeof r !== 'object' ||
      r === null ||
      typeof r.accessToken !== 'string' ||
      // A stored value nobody could send (a store holding garbage) is no token: a miss.
      !HEADER_SAFE_TOKEN.test(r.accessToken) ||
      typeof r.tokenType !== 'string' ||
      !Array.isArray(r.scope) ||
      !r.scope.every((s) => typeof s === 'string') ||
      // Dates a Date can hold: a value beyond them would make toJSON and inspect throw.
      !isDateMs(r.expiresAt) ||
      !isDateMs(r.issuedAt)
    ) {
      return undefined;
    }
    return new AccessToken({
      accessToken: r.accessToken,
      tokenType: r.tokenType,
      scope: r.scope,
      expiresAt: r.expiresAt,
      issuedAt: r.issuedAt,
      claims: typeof r.claims === 'object' && r.claims !== null ? r.claims : undefined,
    });
  }

  /** A redacted summary: everything but the token. */
  toJSON(): Record<string, unknown> {
    return {
      tokenType: this.tokenType,
      scope: this.scope,
      expiresAt: new Date(this.expiresAt).toISOString(),
      issuedAt: new Date(this.issuedAt).toISOString(),
      accessToken: '[redacted]',
    };
  }

  /** A redacted one-line summary. */
  toString(): string {
    return `AccessToken(${this.tokenType}, scope="${this.scope.join(' ')}", expires ${new Date(this.expiresAt).toISOString()})`;
  }

  /** What `util.inspect` (and `console.log`) shows: the same as {@link AccessToken.toString}, without the token. */
  [INSPECT](): string {
    return this.toString();
  }
}
