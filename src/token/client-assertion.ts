/**
 * Signed client assertions (RFC 7523 §2.2, OpenID Connect Core §9) for `client_secret_jwt` and
 * `private_key_jwt`, made with `jose` (its WebCrypto build: no `node:` module, any runtime).
 *
 * @module
 */
import { importJWK, importPKCS8, SignJWT } from 'jose';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { PrivateKeyInput } from '../options/types.js';

/** `client_assertion_type` of a JWT assertion (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The claims and header of one assertion. */
export interface AssertionClaims {
  readonly clientId: string;
  readonly audience: string;
  /** Seconds. */
  readonly lifetime: number;
  /** Epoch ms. */
  readonly now: number;
  readonly alg: string;
  readonly kid: string | undefined;
  /** More protected header parameters. */
  readonly header?: Readonly<Record<string, string>> | undefined;
}

/**
 * Signs one assertion: `iss` = `sub` = the client ID, `aud`, `iat`, `exp` = `iat` + lifetime, and
 * a unique `jti` (servers refuse a replayed one).
 *
 * @param key - The signing key (a `CryptoKey`, or the secret's bytes for HMAC).
 * @param claims - Client, audience, lifetime, clock, `alg` and `kid`.
 * @returns The compact JWS.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export function signClientAssertion(
  key: CryptoKey | Uint8Array,
  claims: AssertionClaims,
): Promise<string> {
  const iat = Math.floor(claims.now / 1000);
  return new SignJWT({})
    .setProtectedHeader({
      ...claims.header,
      alg: claims.alg,
      ...(claims.kid === undefined ? {} : { kid: claims.kid }),
    })
    .setIssuer(claims.clientId)
    .setSubject(claims.clientId)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.lifetime)
    .setJti(crypto.randomUUID())
    .sign(key);
}

/** A private key ready to sign with, and what its header says. */
export interface SigningKey {
  readonly key: CryptoKey;
  readonly alg: string;
  readonly kid: string | undefined;
}

/**
 * Turns the `privateKey` option's value into a non-extractable `CryptoKey`, inferring `alg` when
 * not given.
 *
 * @param input - A `CryptoKey`, a PKCS#8 PEM or a private JWK.
 * @param alg - The `clientAssertion.alg` option, if given.
 * @param kid - The `clientAssertion.kid` option, if given.
 * @returns The key, its algorithm and `kid`.
 * @throws {ConfigurationError} Naming `privateKey` (never showing it) or `clientAssertion.alg`.
 */
export async function importSigningKey(
  input: PrivateKeyInput,
  alg: string | undefined,
  kid: string | undefined,
): Promise<SigningKey> {
  const fail = (why: string): never => {
    throw new ConfigurationError('privateKey', why);
  };
  if (typeof CryptoKey !== 'undefined' && input instanceof CryptoKey) {
    if (input.type !== 'private') fail('must be a private key (its type is not "private").');
    const inferred = alg ?? algOfCryptoKey(input.algorithm);
    if (inferred === undefined) {
      return fail(
        `has an algorithm (${input.algorithm.name}) whose JWS alg cannot be inferred; set clientAssertion.alg.`,
      );
    }
    return { key: input, alg: inferred, kid };
  }
  if (typeof input === 'string') {
    const der = pkcs8Der(input);
    if (der === undefined) {
      return fail(
        'must be a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"); convert a PKCS#1 or SEC1 key with `openssl pkcs8 -topk8 -nocrypt -in key.pem`.',
      );
    }
    const inferred = alg ?? algOfPkcs8(der);
    if (inferred === undefined) {
      return fail('is a key whose JWS alg cannot be inferred; set clientAssertion.alg.');
    }
    return {
      key: await imported(() => importPKCS8(input, inferred), inferred),
      alg: inferred,
      kid,
    };
  }
  if (typeof input === 'object' && input !== null) {
    const jwk = input as JsonWebKey & { kid?: unknown };
    if (typeof jwk.d !== 'string')
      fail('is a JWK without "d": give the private key, not the public one.');
    const inferred = alg ?? jwk.alg ?? algOfJwk(jwk);
    if (inferred === undefined) {
      return fail(
        'is a JWK whose JWS alg cannot be inferred (no "alg", unknown kty/crv); set clientAssertion.alg.',
      );
    }
    const key = await imported(async () => {
      const k = await importJWK(
        { ...jwk, ext: false } as Parameters<typeof importJWK>[0],
        inferred,
        {
          extractable: false,
        },
      );
      if (k instanceof Uint8Array) throw new Error('a symmetric JWK');
      return k;
    }, inferred);
    return { key, alg: inferred, kid: kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined) };
  }
  return fail('must be a CryptoKey, a PKCS#8 PEM string or a private JWK.');
}

async function imported(load: () => Promise<CryptoKey>, alg: string): Promise<CryptoKey> {
  try {
    return await load();
  } catch (error) {
    // jose's message names the problem (unsupported alg, wrong key type), never the key.
    throw new ConfigurationError(
      'privateKey',
      `could not be imported for ${alg}: ${error instanceof Error ? error.message : 'unknown error'}. Check the key and clientAssertion.alg.`,
    );
  }
}

function algOfCryptoKey(algorithm: KeyAlgorithm): string | undefined {
  const { hash, namedCurve } = algorithm as { hash?: { name?: string }; namedCurve?: string };
  const bits = hash?.name?.replace('SHA-', '');
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
      return bits ? `RS${bits}` : undefined;
    case 'RSA-PSS':
      return bits ? `PS${bits}` : undefined;
    case 'ECDSA':
      return EC_ALGS[namedCurve ?? ''];
    case 'Ed25519':
      return 'EdDSA';
    default:
      return undefined;
  }
}

const EC_ALGS: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

function algOfJwk(jwk: JsonWebKey): string | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return EC_ALGS[jwk.crv ?? ''];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

function pkcs8Der(pem: string): Uint8Array | undefined {
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) return undefined;
  try {
    return Uint8Array.from(atob(match[1]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** The DER of an OID (tag 06, length, value), as it appears in a PKCS#8 AlgorithmIdentifier. */
const OIDS: ReadonlyArray<readonly [string, number[]]> = [
  ['RS256', [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]], // rsaEncryption
  ['PS256', [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a]], // RSASSA-PSS
  ['ES256', [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]], // P-256
  ['ES384', [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]], // P-384
  ['ES512', [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23]], // P-521
  ['EdDSA', [0x06, 0x03, 0x2b, 0x65, 0x70]], // Ed25519
];

/** The key's algorithm from the OIDs of its PKCS#8 header (the first 40 bytes hold them). */
function algOfPkcs8(der: Uint8Array): string | undefined {
  const head = der.subarray(0, 40);
  for (const [alg, oid] of OIDS) {
    for (let i = 0; i + oid.length <= head.length; i++) {
      if (oid.every((byte, j) => head[i + j] === byte)) return alg;
    }
  }
  return undefined;
}
