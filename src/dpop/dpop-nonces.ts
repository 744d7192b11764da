/** The most origins whose nonce is remembered; the oldest is forgotten first. */
const MAX_ORIGINS = 256;
/** The longest nonce kept: real ones are a few dozen characters. */
const MAX_NONCE_LENGTH = 2_048;
/** RFC 9449 §8.1: `nonce = 1*NQCHAR`, NQCHAR = %x21 / %x23-5B / %x5D-7E. */
const NQCHARS = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The DPoP nonces servers handed out, one per origin (RFC 9449 §8, §9): the latest `DPoP-Nonce`
 * an origin sent, on an error or on a success, goes into the next proof for that origin. Bounded,
 * and a value that is not a valid nonce is ignored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export class DpopNonces {
  readonly #byOrigin = new Map<string, string>();

  /**
   * The nonce to put in the next proof for `origin`.
   *
   * @param origin - A URL origin.
   * @returns The nonce, or `undefined` when the origin never sent one.
   */
  get(origin: string): string | undefined {
    return this.#byOrigin.get(origin);
  }

  /**
   * Remembers the `DPoP-Nonce` of a response, if it has a valid one.
   *
   * @param origin - The origin the response came from.
   * @param response - The response.
   * @returns The response's nonce, or `undefined` when it has none (or an invalid one).
   */
  observe(origin: string, response: Response): string | undefined {
    const nonce = response.headers.get('dpop-nonce');
    if (nonce === null || nonce.length > MAX_NONCE_LENGTH || !NQCHARS.test(nonce)) return undefined;
    const previous = this.#byOrigin.get(origin);
    if (previous === nonce) return nonce;
    if (previous !== undefined) this.#byOrigin.delete(origin);
    else if (this.#byOrigin.size >= MAX_ORIGINS) {
      this.#byOrigin.delete(this.#byOrigin.keys().next().value as string);
    }
    this.#byOrigin.set(origin, nonce);
    return nonce;
  }
}
