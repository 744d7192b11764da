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

interface KeyMaterial {
  readonly keyId: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JsonWebKey;
}

// Generating a 2048-bit RSA key takes ~0.3 s; a test suite that creates an emulator per test
// would spend minutes on it, so emulators in one process share a key. Tokens still do not cross
// emulators: each accepts only the tokens it issued.
let sharedKeys: Promise<KeyMaterial> | undefined;

async function generateKeys(): Promise<KeyMaterial> {
  const pair = (await globalThis.crypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const jwk = await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    keyId: globalThis.crypto.randomUUID(),
    privateKey: pair.privateKey,
    publicJwk: { kty: 'RSA', n: jwk.n!, e: jwk.e!, alg: 'RS256', use: 'sig' },
  };
}

/**
 * Signs JWTs with an RSA key pair generated on first use (shared by the emulators of one process,
 * unless `ownKey` is set). The JWS header embeds the public key as a `jwk`, as MobileFirst's tokens
 * do.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515
 */
export class JwtSigner {
  readonly #ownKey: boolean;
  #keys: Promise<KeyMaterial> | undefined;

  /** @param ownKey - Generate a key for this signer alone instead of the process-wide one. */
  constructor(ownKey = false) {
    this.#ownKey = ownKey;
  }

  /** The public key as a JWK (`kty`, `n`, `e`, `kid`, `alg`, `use`). */
  async publicJwk(): Promise<JsonWebKey & { kid: string }> {
    const { publicJwk, keyId } = await this.#load();
    return { ...publicJwk, kid: keyId };
  }

  /**
   * Signs a set of claims.
   *
   * @param claims - The JWT payload.
   * @returns The compact JWS `header.payload.signature`.
   */
  async sign(claims: object): Promise<string> {
    const { privateKey, publicJwk, keyId } = await this.#load();
    const header = {
      alg: 'RS256',
      typ: 'JWT',
      kid: keyId,
      jwk: { kty: 'RSA', n: publicJwk.n, e: publicJwk.e, kid: keyId },
    };
    const input = `${encodeJson(header)}.${encodeJson(claims)}`;
    const signature = await globalThis.crypto.subtle.sign(
      ALGORITHM.name,
      privateKey,
      new TextEncoder().encode(input),
    );
    return `${input}.${base64url(new Uint8Array(signature))}`;
  }

  #load(): Promise<KeyMaterial> {
    if (this.#ownKey) {
      this.#keys ??= generateKeys();
      return this.#keys;
    }
    sharedKeys ??= generateKeys().catch((error: unknown) => {
      sharedKeys = undefined;
      throw error;
    });
    return sharedKeys;
  }
}
