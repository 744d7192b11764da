/**
 * Over 300 lines on purpose: one RFC 9110 grammar, its character tables, the parser, the formatter
 * and the challenge decision built on them; split up, the tables and the scan would live apart.
 *
 * `WWW-Authenticate` parsing and formatting, and the decision the authorized fetch takes on a
 * `401`/`403` answer.
 *
 * The grammar (RFC 9110 §11.6.1, formerly RFC 7235 §4.1):
 * ```
 * WWW-Authenticate = #challenge
 * challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 * auth-param  = token BWS "=" BWS ( token / quoted-string )
 * token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * ```
 * The parser is a single forward scan (no regular expression runs over the header), so its time is
 * linear in the header's length whatever a server sends. It never throws: malformed parts are
 * skipped up to the next comma and everything that can be read is returned.
 *
 * **Case.** Scheme names are case-insensitive: {@link Challenge.scheme} keeps the spelling the
 * server sent (for messages and round trips); compare it with {@link isChallengeScheme}. Parameter
 * names are case-insensitive too and are **lowercased** in {@link Challenge.params}, so
 * `params.error` finds `Error=…`. A parameter repeated within one challenge keeps its first value.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @see https://www.rfc-editor.org/rfc/rfc7235#section-4.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @module
 */

/** One challenge of a `WWW-Authenticate` header. */
export interface Challenge {
  /** The auth scheme as the server spelt it (`Bearer`, `basic`…); compare with {@link isChallengeScheme}. */
  readonly scheme: string;
  /**
   * The auth-params, keyed by **lowercase** name, with quoted-string escapes removed. The object has
   * a `null` prototype, so a parameter named `__proto__` or `constructor` is an ordinary key.
   * Empty when the challenge has none (or carries a {@link Challenge.token68}).
   */
  readonly params: Readonly<Record<string, string>>;
  /** The token68 credentials-like value (`Negotiate YIIG…`), when the challenge has one. */
  readonly token68?: string;
}

/**
 * What the authorized fetch should do with a `401`/`403` answer.
 * - `retoken`: `401` with a Bearer challenge with no `error` or `error="invalid_token"`: invalidate
 *   the token that was sent, get a new one and replay once.
 * - `step-up`: Bearer `error="insufficient_scope"` with a non-empty `scope`: get a token for the
 *   union of the scope used and `scope`, and replay once. `scope` is the raw space-separated value.
 * - `use-nonce`: `401` with a DPoP challenge `error="use_dpop_nonce"` (only for a DPoP token): send
 *   again with a proof that carries the resource's `DPoP-Nonce` (RFC 9449 §9).
 * - `none`: not ours (another status, another scheme, another error, `insufficient_scope` without a
 *   scope): hand the response back to the caller as it is.
 */
export type ChallengeAction =
  | { readonly kind: 'use-nonce'; readonly challenge: Challenge }
  | {
      readonly kind: 'retoken';
      /** The Bearer challenge; `undefined` for a `401` with no `WWW-Authenticate` at all. */
      readonly challenge: Challenge | undefined;
    }
  | { readonly kind: 'step-up'; readonly scope: string; readonly challenge: Challenge }
  | { readonly kind: 'none' };

// Character classes as 128-entry lookup tables: a table lookup per character keeps the scan
// linear and cheap, and anything above U+007F is simply "not in the class".
function asciiTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** RFC 9110 §5.6.2 `tchar`. */
const TCHAR = asciiTable(`${ALNUM}!#$%&'*+-.^_\`|~`);
/** RFC 9110 §11.2 token68 characters (before the trailing `=` padding). */
const TOKEN68 = asciiTable(`${ALNUM}-._~+/`);

const SP = 0x20;
const HTAB = 0x09;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function inTable(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}

function skipOws(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c !== SP && c !== HTAB) break;
    j++;
  }
  return j;
}

function scanToken(s: string, i: number): number {
  let j = i;
  while (j < s.length && inTable(TCHAR, s.charCodeAt(j))) j++;
  return j;
}

/** Reads a quoted-string starting at the opening quote; an unterminated one runs to the end. */
function readQuoted(s: string, i: number): [value: string, end: number] {
  let value = '';
  let chunkStart = i + 1;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === DQUOTE) return [value + s.slice(chunkStart, j), j + 1];
    if (c === BACKSLASH) {
      value += s.slice(chunkStart, j);
      // A lone trailing backslash escapes nothing; drop it.
      chunkStart = j + 1;
      j += 2;
      continue;
    }
    j++;
  }
  return [value + s.slice(chunkStart, Math.min(j, s.length)), s.length];
}

/**
 * Reads an auth-param value. Unquoted values should be tokens; servers that send other visible
 * characters (`error_uri=https://…`) get them back rather than a parse failure.
 */
function readValue(s: string, i: number): [value: string, end: number] {
  if (i < s.length && s.charCodeAt(i) === DQUOTE) return readQuoted(s, i);
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === SP || c === HTAB || c === COMMA || c === DQUOTE) break;
    j++;
  }
  return [s.slice(i, j), j];
}

/** Skips a malformed element up to (not past) the next comma outside a quoted-string. */
function skipToComma(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === COMMA) return j;
    j = c === DQUOTE ? readQuoted(s, j)[1] : j + 1;
  }
  return j;
}

/** The end of a token68 starting at `i`, if one is there and nothing but OWS follows it before `,` or the end. */
function scanToken68(s: string, i: number): number | undefined {
  let j = i;
  while (j < s.length && inTable(TOKEN68, s.charCodeAt(j))) j++;
  if (j === i) return undefined;
  while (j < s.length && s.charCodeAt(j) === EQUALS) j++;
  const next = skipOws(s, j);
  return next === s.length || s.charCodeAt(next) === COMMA ? j : undefined;
}

interface MutableChallenge {
  scheme: string;
  params: Record<string, string>;
  token68?: string;
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges.
 *
 * Several challenges may share one header (`Basic realm="x", Bearer error="invalid_token"`), and
 * `Headers.get()` joins several `WWW-Authenticate` lines with `", "`, which parses the same way.
 * Never throws; malformed elements are skipped up to the next comma.
 *
 * @param header - The header value; `null`/`undefined` (no header) give `[]`.
 * @returns The challenges in the order the server listed them.
 * @example
 * ```ts
 * parseWwwAuthenticate('Bearer error="insufficient_scope", scope="RegisteredClient accessRestricted"');
 * // [{ scheme: 'Bearer', params: { error: 'insufficient_scope', scope: 'RegisteredClient accessRestricted' } }]
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @see https://www.rfc-editor.org/rfc/rfc7235#section-4.1
 */
export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  if (typeof header !== 'string') return challenges;
  const s = header;
  const n = s.length;
  let current: MutableChallenge | undefined;
  // A new challenge may only start at the beginning of the list or after a comma.
  let atElementStart = true;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === SP || c === HTAB) {
      i++;
      continue;
    }
    if (c === COMMA) {
      i++;
      atElementStart = true;
      continue;
    }
    const start = i;
    i = scanToken(s, i);
    if (i === start) {
      // Not a token: skip this element. Always advance by at least one character.
      i = skipToComma(s, i + (c === DQUOTE ? 0 : 1));
      continue;
    }
    const name = s.slice(start, i);
    const afterName = skipOws(s, i);
    if (afterName < n && s.charCodeAt(afterName) === EQUALS) {
      const [value, end] = readValue(s, skipOws(s, afterName + 1));
      i = end;
      atElementStart = false;
      // A parameter before any scheme belongs to nothing: read past it and drop it.
      if (current === undefined) continue;
      const key = name.toLowerCase();
      if (!Object.hasOwn(current.params, key)) current.params[key] = value;
      continue;
    }
    if (!atElementStart) {
      i = skipToComma(s, i);
      continue;
    }
    current = { scheme: name, params: Object.create(null) as Record<string, string> };
    challenges.push(current);
    atElementStart = false;
    const hadSpace = afterName > i;
    i = afterName;
    if (hadSpace) {
      const end = scanToken68(s, afterName);
      if (end !== undefined) {
        current.token68 = s.slice(afterName, end);
        i = end;
      }
    }
  }
  return challenges;
}

/**
 * Whether a challenge uses the given auth scheme, compared ASCII case-insensitively as RFC 9110
 * requires.
 *
 * @param challenge - A parsed challenge.
 * @param scheme - The scheme to test for, e.g. `'Bearer'`.
 * @returns `true` when the schemes match regardless of case.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.1
 */
export function isChallengeScheme(challenge: Challenge, scheme: string): boolean {
  return (
    challenge.scheme.length === scheme.length &&
    challenge.scheme.toLowerCase() === scheme.toLowerCase()
  );
}

/**
 * The first `Bearer` challenge of a list.
 *
 * @param challenges - Challenges from {@link parseWwwAuthenticate}.
 * @returns The first challenge whose scheme is `Bearer` (any case), or `undefined`.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function findBearerChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((challenge) => isChallengeScheme(challenge, 'Bearer'));
}

const NONE: ChallengeAction = Object.freeze({ kind: 'none' });
const RETOKEN_WITHOUT_CHALLENGE: ChallengeAction = Object.freeze({
  kind: 'retoken',
  challenge: undefined,
});

/**
 * Decides what the authorized fetch does with a response, from its status and `WWW-Authenticate`.
 *
 * The challenge considered is the first one of the scheme the token was sent with: `Bearer`, or
 * for a DPoP token (`tokenType` `'DPoP'`) the first `DPoP` challenge, else the first `Bearer` one
 * (RFC 9449 §7.1: the rules below hold for both). A DPoP `error="use_dpop_nonce"` on a `401` is
 * `use-nonce`.
 *
 * - `401` + Bearer challenge with no `error`, or `error="invalid_token"` → `retoken`
 *   (MobileFirst answers `Bearer` for a missing token, `Bearer error="invalid_token"` for a rejected
 *   one).
 * - `401` with no `WWW-Authenticate` at all → `retoken` too, with no challenge: a server that
 *   forgets the challenge still rejected the token (Duende and `@badgateway/oauth2-client` read it
 *   so). A `401` with only non-Bearer challenges is not about a Bearer token: `none`.
 * - `401` or `403` + Bearer `error="insufficient_scope"` with a non-blank `scope` → `step-up`
 *   (MobileFirst: `403 Bearer error="insufficient_scope", scope="RegisteredClient accessRestricted"`;
 *   RFC 6750 says SHOULD be 403, so a 401 is accepted too).
 * - Everything else → `none`, including a `403` Bearer challenge without `insufficient_scope` and any
 *   non-Bearer challenge. Only the first Bearer challenge of the header is considered.
 *
 * @param status - The response status.
 * @param header - The response's `WWW-Authenticate` value (`response.headers.get(…)`).
 * @param tokenType - How the token was sent: `'Bearer'` or `'DPoP'`.
 * @returns The action; `scope` in `step-up` is the raw value, to be normalized by the caller.
 * @example
 * ```ts
 * const action = classifyChallenge(res.status, res.headers.get('www-authenticate'));
 * if (action.kind === 'step-up') await client.getToken({ scope: unionScope(used, action.scope) });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function classifyChallenge(
  status: number,
  header: string | null | undefined,
  tokenType = 'Bearer',
): ChallengeAction {
  // The hot path: every 2xx response passes through here, so answer before parsing anything.
  if (status !== 401 && status !== 403) return NONE;
  if (!header) return status === 401 ? RETOKEN_WITHOUT_CHALLENGE : NONE;
  const challenges = parseWwwAuthenticate(header);
  const dpop =
    tokenType === 'DPoP'
      ? challenges.find((challenge) => isChallengeScheme(challenge, 'DPoP'))
      : undefined;
  const challenge = dpop ?? findBearerChallenge(challenges);
  if (challenge === undefined) return NONE;
  const error = challenge.params.error;
  if (dpop !== undefined && error === 'use_dpop_nonce') {
    return status === 401 ? { kind: 'use-nonce', challenge } : NONE;
  }
  if (error === 'insufficient_scope') {
    const scope = challenge.params.scope?.trim();
    return scope ? { kind: 'step-up', scope, challenge } : NONE;
  }
  if (status === 401 && (error === undefined || error === 'invalid_token')) {
    return { kind: 'retoken', challenge };
  }
  return NONE;
}

/** Characters a quoted-string can carry (with `"` and `\` escaped): HTAB, SP, VCHAR, obs-text. */
function isQuotable(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!(c === HTAB || (c >= 0x20 && c !== 0x7f && c <= 0xff))) return false;
  }
  return true;
}

function isToken(value: string): boolean {
  return value !== '' && scanToken(value, 0) === value.length;
}

function isToken68(value: string): boolean {
  let j = 0;
  while (j < value.length && inTable(TOKEN68, value.charCodeAt(j))) j++;
  if (j === 0) return false;
  while (j < value.length && value.charCodeAt(j) === EQUALS) j++;
  return j === value.length;
}

/**
 * Formats a challenge as a `WWW-Authenticate` element: `Scheme token68` or
 * `Scheme name="value", name2="value2"`. Every parameter value is written as a quoted-string (the
 * form RFC 6750 uses for Bearer and MobileFirst sends); `"` and `\` are escaped. A challenge with a
 * `token68` is written with it and without its params. Join several with `", "`.
 *
 * @param challenge - The challenge; `params` may use any case (names are written as given).
 * @returns The formatted challenge, which {@link parseWwwAuthenticate} reads back unchanged.
 * @throws {TypeError} If the scheme or a parameter name is not an RFC 9110 token, the token68 is
 *   malformed, or a value holds a character a quoted-string cannot carry (control characters other
 *   than HTAB, or anything above U+00FF).
 * @example
 * ```ts
 * formatChallenge({ scheme: 'Bearer', params: { error: 'insufficient_scope', scope: 'a b' } });
 * // 'Bearer error="insufficient_scope", scope="a b"'
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4
 */
export function formatChallenge(challenge: Challenge): string {
  const { scheme, params, token68 } = challenge;
  if (!isToken(scheme)) {
    throw new TypeError(
      `confidential-client: auth scheme ${JSON.stringify(scheme)} is not a token`,
    );
  }
  if (token68 !== undefined) {
    if (!isToken68(token68)) {
      throw new TypeError('confidential-client: token68 holds characters outside the token68 set');
    }
    return `${scheme} ${token68}`;
  }
  const parts: string[] = [];
  for (const name of Object.keys(params)) {
    const value = params[name] as string;
    if (!isToken(name)) {
      throw new TypeError(
        `confidential-client: auth-param name ${JSON.stringify(name)} is not a token`,
      );
    }
    if (!isQuotable(value)) {
      throw new TypeError(
        `confidential-client: auth-param ${name} holds a character a quoted-string cannot carry`,
      );
    }
    parts.push(`${name}="${value.replace(/["\\]/g, '\\$&')}"`);
  }
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}
