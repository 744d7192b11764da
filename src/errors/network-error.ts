import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/**
 * The token endpoint could not be reached (DNS, refused or reset connection, TLS), even after
 * retries, or the connection broke while its answer was being read. `cause` holds what `fetch`
 * threw; the message and {@link causeCode} name the root cause (`ECONNREFUSED`, `ENOTFOUND`,
 * `CERT_HAS_EXPIRED`, `UND_ERR_SOCKET`, …), which `fetch` keeps a few `cause`s down.
 */
export class NetworkError extends ConfidentialClientError {
  override name = 'NetworkError' as const;
  /** The URL that could not be reached (never holds credentials). */
  readonly url: string;
  /**
   * The system or library code of the root cause, e.g. `ECONNREFUSED`, `ENOTFOUND`,
   * `ECONNRESET`, `CERT_HAS_EXPIRED` or `UND_ERR_SOCKET`, when there is one.
   */
  readonly causeCode: string | undefined;

  /**
   * @param url - The token endpoint URL.
   * @param cause - What `fetch` (or reading the body) threw.
   */
  constructor(url: string, cause: unknown) {
    const root = rootCause(cause);
    super(
      `could not reach the token endpoint ${url}: ${describe(cause, root)}. ${hint(root.code)}`,
      'ERR_CC_NETWORK',
      { cause },
    );
    this.url = url;
    this.causeCode = root.code;
  }
}

/** OpenSSL's codes for a server certificate that does not chain to a trusted CA. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** Certificate checks that fail the same way however often they are tried. */
const CERTIFICATE_FAILURES = new Set([
  ...UNTRUSTED,
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Whether a root cause is a server certificate this runtime refuses: retrying cannot help.
 *
 * @param code - {@link NetworkError.causeCode}.
 * @returns `true` for an untrusted, expired or misnamed certificate.
 * @internal
 */
export function isCertificateFailure(code: string | undefined): boolean {
  return code !== undefined && CERTIFICATE_FAILURES.has(code);
}

/** What to check, by the root cause. */
function hint(code: string | undefined): string {
  if (code !== undefined && UNTRUSTED.has(code)) {
    return "The server's certificate does not chain to a CA this runtime trusts: for a private CA, pass it (`dispatcher: new Agent({ connect: { ca } })` from undici, or NODE_EXTRA_CA_CERTS); see the README's TLS section.";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "The server's certificate is not for this host name: use the name the certificate holds.";
  }
  if (code?.includes('CERTIFICATE_REQUIRED')) {
    return 'The server asks for a client certificate (mutual TLS): pass one (`dispatcher: new Agent({ connect: { cert, key } })`).';
  }
  return 'Check `serverUrl`/`tokenUrl` and that the server is up.';
}

/** Whether `value` is a {@link NetworkError}. */
export const isNetworkError = guardFor<NetworkError>('NetworkError', 'ERR_CC_NETWORK');

interface Root {
  message: string | undefined;
  code: string | undefined;
}

/**
 * The deepest cause with a message, and the deepest code (the most specific one: undici wraps
 * a reset in `UND_ERR_SOCKET`, a TLS failure carries `CERT_HAS_EXPIRED`). `fetch failed` →
 * `connect ECONNREFUSED 127.0.0.1:9080`; an `AggregateError` (one error per address tried) gives
 * its first error.
 */
function rootCause(error: unknown): Root {
  let message: string | undefined;
  let code: string | undefined;
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current.message !== '') message = current.message;
    const own = (current as { code?: unknown }).code;
    if (typeof own === 'string' && own !== '') code = own;
    const { errors } = current as { errors?: unknown };
    current = current.cause ?? (Array.isArray(errors) && errors.length > 0 ? errors[0] : undefined);
  }
  return { message, code };
}

function describe(cause: unknown, root: Root): string {
  const top = cause instanceof Error ? cause.message : String(cause);
  const detail =
    root.message === undefined || root.message === top
      ? root.code
      : root.code === undefined || root.message.includes(root.code)
        ? root.message
        : `${root.code}: ${root.message}`;
  return detail === undefined || detail === top ? top : `${top} (${detail})`;
}
