import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { DpopAlgorithm } from '../options/dpop-options.js';
import { DPOP_ALGORITHMS, isCryptoKey, type ResolvedDpop } from '../options/resolve-dpop.js';

/** A DPoP key ready to sign: the private key, the public JWK for the header, its thumbprint. */
export interface DpopKey {
  readonly alg: DpopAlgorithm;
  readonly privateKey: CryptoKey;
  /** The public members only (`kty`, `crv`, `x`, `y`, `n`, `e`). */
  readonly publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of `publicJwk`, base64url: the `jkt` servers bind tokens to. */
  readonly thumbprint: string;
}

/** The members of a public JWK, per key type (RFC 7518 §6). Nothing else goes into a proof. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};

/**
 * Makes the `dpop` option's key ready to sign: generates a key pair (private key not extractable)
 * or imports the given one, exports the public JWK and computes its thumbprint. A given pair is
 * checked to match by signing and verifying once.
 *
 * @param options - The checked `dpop` option.
 * @param supported - The server's `dpop_signing_alg_values_supported`, when known: a generated key
 *   uses the first algorithm of ours it lists.
 * @returns The key.
 * @throws {ConfigurationError} When the key cannot be imported or generated, or the pair does not
 *   match. The message never quotes the key.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 * @see https://www.rfc-editor.org/rfc/rfc7638
 */
export async function loadDpopKey(
  options: ResolvedDpop,
  supported?: readonly string[] | undefined,
): Promise<DpopKey> {
  if (options.privateKey === undefined) {
    const alg = options.alg ?? chooseAlgorithm(supported);
    let pair: { privateKey: CryptoKey; publicKey: CryptoKey };
    try {
      pair = await generateKeyPair(alg, { extractable: false });
    } catch {
      throw new ConfigurationError('dpop.alg', `'${alg}': this runtime cannot generate such keys.`);
    }
    return ready(alg, pair.privateKey, await exportJWK(pair.publicKey));
  }
  const alg = options.alg as DpopAlgorithm; // Always set for a given key (resolve-dpop).
  const privateKey = isCryptoKey(options.privateKey)
    ? options.privateKey
    : await importKey(options.privateKey as JWK, alg, 'dpop.privateKey');
  const publicSource = options.publicKey ?? options.privateKey;
  const publicJwk = isCryptoKey(publicSource)
    ? await exportPublic(publicSource)
    : (publicSource as JWK);
  const key = await ready(alg, privateKey, publicJwk);
  await checkPair(key);
  return key;
}

/**
 * The algorithm of a generated key: ES256 unless the server lists others only, then the first of
 * ours (in {@link DPOP_ALGORITHMS} order) that it lists.
 *
 * @param supported - The server's `dpop_signing_alg_values_supported`.
 * @returns The algorithm.
 * @throws {ConfigurationError} When the server supports none of ours.
 */
export function chooseAlgorithm(supported: readonly string[] | undefined): DpopAlgorithm {
  if (supported === undefined || supported.length === 0) return 'ES256';
  const alg = DPOP_ALGORITHMS.find((candidate) => supported.includes(candidate));
  if (alg === undefined) {
    throw new ConfigurationError(
      'dpop.alg',
      `cannot be chosen: the server supports ${supported.slice(0, 10).join(', ')} for DPoP, none of which this client signs with.`,
    );
  }
  return alg;
}

async function ready(alg: DpopAlgorithm, privateKey: CryptoKey, jwk: JWK): Promise<DpopKey> {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? [];
  const publicJwk: JWK = {};
  for (const name of members) {
    const value = (jwk as Record<string, unknown>)[name];
    if (typeof value === 'string') (publicJwk as Record<string, unknown>)[name] = value;
  }
  if (members.length === 0 || Object.keys(publicJwk).length !== members.length) {
    throw new ConfigurationError('dpop.publicKey', `lacks members of a public ${jwk.kty} JWK.`);
  }
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  return Object.freeze({ alg, privateKey, publicJwk: Object.freeze(publicJwk), thumbprint });
}

async function importKey(jwk: JWK, alg: DpopAlgorithm, option: string): Promise<CryptoKey> {
  try {
    return (await importJWK(jwk, alg, { extractable: false })) as CryptoKey;
  } catch {
    // Not the library's message: it might quote a member of the key.
    throw new ConfigurationError(
      option,
      `could not be imported as a ${alg} key; check its members (kty, crv, x, y, d…) and dpop.alg.`,
    );
  }
}

async function exportPublic(key: CryptoKey): Promise<JWK> {
  try {
    return await exportJWK(key);
  } catch {
    throw new ConfigurationError('dpop.publicKey', 'could not be exported as a JWK.');
  }
}

const PROBE = new TextEncoder().encode('confidential-client DPoP key check');

/** Signs once with the private key and verifies with the public one: a mismatched pair fails now. */
async function checkPair(key: DpopKey): Promise<void> {
  let matches = false;
  try {
    const jws = await new CompactSign(PROBE)
      .setProtectedHeader({ alg: key.alg })
      .sign(key.privateKey);
    await compactVerify(jws, await importJWK(key.publicJwk, key.alg));
    matches = true;
  } catch {
    // Reported below, without the library's message.
  }
  if (!matches) {
    throw new ConfigurationError(
      'dpop.publicKey',
      `does not match dpop.privateKey, or the pair cannot sign with ${key.alg}.`,
    );
  }
}
