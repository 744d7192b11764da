import { jwtDecode } from 'jwt-decode';
import { TokenResponseError } from '../errors/token-response-error.js';
import { normalizeScope } from '../scope.js';
import { AccessToken, HEADER_SAFE_TOKEN } from './access-token.js';

/**
 * A successful token response as it travels on the wire (RFC 6749 §5.1). Only this module sees
 * this shape; the rest of the package sees {@link AccessToken}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
interface WireTokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  scope?: unknown;
}

/** What {@link parseTokenResponse} needs to know besides the body. */
export interface ParseContext {
  /** When the request was sent, in epoch ms: lifetimes count from here. */
  sentAt: number;
  /** The scope requested (used when the response has no `scope`). */
  requestedScope: readonly string[];
  /** Lifetime to assume when neither `expires_in` nor a JWT `exp` says, in seconds. */
  defaultExpiresIn: number;
  /** HTTP status, for errors. */
  status: number;
  /** The response, attached (non-enumerable) to errors. */
  response?: Response | undefined;
  /**
   * Whether the request carried a DPoP proof: then `token_type` `DPoP` is accepted too (and a
   * `Bearer` answer stays a Bearer token, RFC 9449 §5).
   */
  dpop?: boolean | undefined;
  /** Called with a warning worth logging (e.g. clock skew). */
  warn?: ((message: string, details: Record<string, unknown>) => void) | undefined;
}

/** The longest lifetime believed, in seconds (one year). */
const MAX_LIFETIME_S = 365 * 24 * 3600;

/** Epoch values at or above this are milliseconds (in seconds it would be the year 5138). */
const MS_THRESHOLD = 1e11;

/**
 * Checks a token response body field by field and turns it into an {@link AccessToken}.
 *
 * - `access_token`: a non-empty string of visible ASCII (what a header can carry).
 * - `token_type`: `Bearer`, in any case; with `dpop`, `DPoP` too.
 * - `expires_in`: a number or numeric string greater than 0; absent → the JWT's `exp`, else
 *   `defaultExpiresIn`.
 * - `scope`: a string if present; absent → the requested scope (RFC 6749 §5.1).
 *
 * If the token is a JWT its payload is decoded into `claims` (not verified), and its `exp` (in
 * seconds or, as MobileFirst sends it, in milliseconds) caps the lifetime when it is earlier.
 *
 * @param body - The parsed JSON body.
 * @param context - Send time, requested scope, defaults.
 * @returns The token.
 * @throws {TokenResponseError} Naming the field that is missing or wrong.
 */
export function parseTokenResponse(body: unknown, context: ParseContext): AccessToken {
  const fail = (field: string, message: string) =>
    new TokenResponseError(field, message, { status: context.status, response: context.response });

  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fail(
      'body',
      'the token endpoint answered with JSON that is not an object; expected an RFC 6749 token response.',
    );
  }
  const wire = body as WireTokenResponse;

  if (typeof wire.access_token !== 'string' || wire.access_token === '') {
    throw fail(
      'access_token',
      `the token response has ${describe(wire.access_token)} \`access_token\`; expected a non-empty string.`,
    );
  }
  if (!HEADER_SAFE_TOKEN.test(wire.access_token)) {
    // Never echo it: it is a credential, even when it is a broken one.
    throw fail(
      'access_token',
      'the token response has an `access_token` that cannot be sent in an Authorization header: it holds a space, a control character (a newline, say) or a non-ASCII character. Only visible ASCII is allowed (RFC 6750 b64token is a subset); check the server or a proxy that rewrites its answers.',
    );
  }
  const tokenType = typeof wire.token_type === 'string' ? wire.token_type.toLowerCase() : '';
  if (tokenType !== 'bearer' && (tokenType !== 'dpop' || context.dpop !== true)) {
    throw fail(
      'token_type',
      typeof wire.token_type === 'string'
        ? `the token response has token_type ${JSON.stringify(wire.token_type.slice(0, 40))}; ${tokenType === 'dpop' ? 'a DPoP token needs the dpop option' : `only Bearer${context.dpop === true ? ' and DPoP' : ''} tokens are supported`}.`
        : `the token response has ${describe(wire.token_type)} \`token_type\`; expected "Bearer"${context.dpop === true ? ' or "DPoP"' : ''}.`,
    );
  }

  let expiresIn: number | undefined;
  if (wire.expires_in !== undefined && wire.expires_in !== null) {
    expiresIn =
      typeof wire.expires_in === 'number'
        ? wire.expires_in
        : typeof wire.expires_in === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(wire.expires_in)
          ? Number(wire.expires_in)
          : Number.NaN;
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw fail(
        'expires_in',
        `the token response has an invalid \`expires_in\` (${describe(wire.expires_in)}); expected a number of seconds greater than 0.`,
      );
    }
  }

  if (wire.scope !== undefined && wire.scope !== null && typeof wire.scope !== 'string') {
    throw fail(
      'scope',
      `the token response has ${describe(wire.scope)} \`scope\`; expected a space-separated string.`,
    );
  }
  const scope =
    typeof wire.scope === 'string' ? normalizeScope(wire.scope) : [...context.requestedScope];

  const claims = decodeClaims(wire.access_token);
  const { sentAt } = context;
  // A lifetime beyond a year is a server bug; capping it keeps every date representable.
  let expiresAt =
    expiresIn !== undefined ? sentAt + Math.min(expiresIn, MAX_LIFETIME_S) * 1000 : undefined;
  const exp = claims?.exp;
  if (typeof exp === 'number' && Number.isFinite(exp)) {
    const expMs = exp >= MS_THRESHOLD ? exp : exp * 1000;
    if (expMs <= sentAt) {
      // The server's clock is behind ours (or the token is already dead). Trusting `exp` would
      // make every token look expired and refresh in a loop; `expires_in` is relative and safe.
      context.warn?.(
        "the token's JWT exp is in the past by this machine's clock; check clock synchronization. Using expires_in.",
        {
          skewMs: sentAt - expMs,
        },
      );
    } else if (expiresAt === undefined || expMs < expiresAt) {
      expiresAt = Math.min(expMs, sentAt + MAX_LIFETIME_S * 1000);
    }
  }
  expiresAt ??= sentAt + context.defaultExpiresIn * 1000;

  return new AccessToken({
    accessToken: wire.access_token,
    tokenType: tokenType === 'dpop' ? 'DPoP' : 'Bearer',
    scope,
    expiresAt,
    issuedAt: sentAt,
    claims,
  });
}

function decodeClaims(token: string): Record<string, unknown> | undefined {
  // Cheap pre-check: a JWS compact serialization has exactly two dots.
  if (token.split('.').length !== 3) return undefined;
  try {
    const claims = jwtDecode<Record<string, unknown>>(token);
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? claims
      : undefined;
  } catch {
    return undefined; // An opaque token that happens to hold two dots.
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'no';
  if (value === null) return 'a null';
  if (value === '') return 'an empty';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
