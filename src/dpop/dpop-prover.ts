import { base64url, SignJWT } from 'jose';
import type { ResolvedDpop } from '../options/resolve-dpop.js';
import { type DpopKey, loadDpopKey } from './dpop-key.js';
import { DpopNonces } from './dpop-nonces.js';

/** A signed proof, and the nonce it carries. */
export interface DpopProof {
  /** The `DPoP` header value. */
  readonly jwt: string;
  /** The server nonce put in it, if any: an answer asking for another one is worth a retry. */
  readonly nonce: string | undefined;
}

/** How many tokens' `ath` values are kept (a client holds a token per scope, rarely more). */
const MAX_ATH = 64;

/**
 * Signs DPoP proofs (RFC 9449 §4): one JWT per HTTP request, bound to its method and URL, with a
 * unique `jti`, the server's latest nonce for that origin and, on a resource request, `ath` (the
 * hash of the access token). The key is made ready once, lazily ({@link prepare}); the nonces are
 * shared by the token endpoint and the resources, per origin.
 *
 * Only a client with the `dpop` option builds one: nothing here runs on the Bearer path.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 */
export class DpopProver {
  /** The nonces servers handed out, per origin. */
  readonly nonces = new DpopNonces();
  readonly #options: ResolvedDpop;
  readonly #now: () => number;
  readonly #ath = new Map<string, string>();
  #key: DpopKey | undefined;
  #loading: Promise<DpopKey> | undefined;

  /**
   * @param options - The checked `dpop` option.
   * @param now - The clock (epoch ms), for `iat`.
   */
  constructor(options: ResolvedDpop, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  /** Whether the key is ready (then {@link thumbprint} answers). */
  get ready(): boolean {
    return this.#key !== undefined;
  }

  /**
   * The key's RFC 7638 thumbprint (the `jkt` tokens are bound to).
   *
   * @throws {Error} Before {@link prepare} has resolved: an internal ordering bug.
   */
  get thumbprint(): string {
    if (this.#key === undefined) throw new Error('confidential-client: DPoP key not ready');
    return this.#key.thumbprint;
  }

  /** The signing algorithm, once the key is ready. */
  get alg(): string | undefined {
    return this.#key?.alg;
  }

  /**
   * Makes the key ready, once (later calls share the first one's result).
   *
   * @param supported - The server's `dpop_signing_alg_values_supported`, when known.
   * @returns Resolves once the key can sign.
   * @throws {ConfigurationError} When the key cannot be used.
   */
  prepare(supported?: readonly string[] | undefined): Promise<void> {
    return this.#load(supported).then(() => undefined);
  }

  #load(supported?: readonly string[] | undefined): Promise<DpopKey> {
    this.#loading ??= loadDpopKey(this.#options, supported).then((key) => {
      this.#key = key;
      return key;
    });
    return this.#loading;
  }

  /**
   * A proof for one request.
   *
   * @param method - The request method (`htm`), as sent.
   * @param url - The request URL; `htu` is it without query and fragment.
   * @param accessToken - The token the request carries (`ath`), for resource requests.
   * @returns The `DPoP` header value and the nonce in it.
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
   */
  async proof(method: string, url: URL, accessToken?: string): Promise<DpopProof> {
    const key = this.#key ?? (await this.#load());
    const claims: Record<string, unknown> = {
      htm: method,
      htu: `${url.origin}${url.pathname}`,
      iat: Math.floor(this.#now() / 1000),
      jti: crypto.randomUUID(),
    };
    const nonce = this.nonces.get(url.origin);
    if (nonce !== undefined) claims.nonce = nonce;
    if (accessToken !== undefined) claims.ath = await this.#athOf(accessToken);
    const jwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(key.privateKey);
    return { jwt, nonce };
  }

  /** `ath`: base64url SHA-256 of the token's ASCII, computed once per token. */
  async #athOf(accessToken: string): Promise<string> {
    let ath = this.#ath.get(accessToken);
    if (ath === undefined) {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken));
      ath = base64url.encode(new Uint8Array(digest));
      if (this.#ath.size >= MAX_ATH) this.#ath.clear();
      this.#ath.set(accessToken, ath);
    }
    return ath;
  }
}
