/**
 * RS256 JSON Web Tokens signed with WebCrypto, so that the emulator core runs in any runtime that
 * MSW supports (Node, Bun, Deno, browsers).
 *
 * @module
 */

/** The claims of an access token issued by the emulator, as MobileFirst writes them. */
export interface EmulatorTokenClaims {
  /** Issuer: `com.ibm.mfp`. */
  readonly iss: string;
  /** Audience: `com.ibm.mfp`. */
  readonly aud: string;
  /** Subject: the confidential client's ID. */
  readonly sub: string;
  /** Granted scope, space-separated. */
  readonly scope: string;
  /** Expiry in epoch **milliseconds**, as MobileFirst writes it (not seconds as RFC 7519 does). */
  readonly exp: number;
  /** Issue time in epoch **milliseconds**, like `exp`. */
  readonly iat: number;
  /** Unique token ID. */
  readonly jti: string;
}

const ALGORITHM: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/**
 * Base64url without padding (RFC 7515 §2).
 *
 * @param bytes - Bytes to encode.
 * @returns The encoded text.
 */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function encodeJson(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

/**
 * Signs JWTs with one RSA key pair, generated on first use and kept for the signer's life.
 * The JWS header embeds the public key as a `jwk`, as MobileFirst's tokens do.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515
 */
export class JwtSigner {
  readonly #keyId: string;
  #keys: Promise<{ privateKey: CryptoKey; publicJwk: JsonWebKey }> | undefined;

  /** @param keyId - The `kid` of the key; a random UUID by default. */
  constructor(keyId: string = globalThis.crypto.randomUUID()) {
    this.#keyId = keyId;
  }

  /** The public key as a JWK (`kty`, `n`, `e`, `kid`, `alg`, `use`). */
  async publicJwk(): Promise<JsonWebKey & { kid: string }> {
    const { publicJwk } = await this.#load();
    return { ...publicJwk, kid: this.#keyId };
  }

  /**
   * Signs a set of claims.
   *
   * @param claims - The JWT payload.
   * @returns The compact JWS `header.payload.signature`.
   */
  async sign(claims: object): Promise<string> {
    const { privateKey, publicJwk } = await this.#load();
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      kid: this.#keyId,
      jwk: { kty: 'RSA', n: publicJwk.n, e: publicJwk.e, kid: this.#keyId },
    };
    const input = `${encodeJson(header)}.${encodeJson(claims)}`;
    const signature = await globalThis.crypto.subtle.sign(
      ALGORITHM.name,
      privateKey,
      new TextEncoder().encode(input),
    );
    return `${input}.${base64url(new Uint8Array(signature))}`;
  }

  #load(): Promise<{ privateKey: CryptoKey; publicJwk: JsonWebKey }> {
    this.#keys ??= (async () => {
      const pair = (await globalThis.crypto.subtle.generateKey(ALGORITHM, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const jwk = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
      const publicJwk: JsonWebKey = { kty: 'RSA', n: jwk.n!, e: jwk.e!, alg: 'RS256', use: 'sig' };
      return { privateKey: pair.privateKey, publicJwk };
    })();
    return this.#keys;
  }
}
