/**
 * `resolveDpop`: checks the `dpop` option once, in the constructor: the shape of the keys, that a
 * public key comes with a `CryptoKey` private key, and that the algorithm fits the key. Importing
 * and generating keys is asynchronous and happens on first use (`src/dpop/dpop-key.ts`). Never
 * quotes a key.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type { DpopAlgorithm, DpopOptions } from './dpop-options.js';
import { keySet, oneOf, rejectUnknownKeys } from './validate.js';

/** @internal The `dpop` option, checked. */
export interface ResolvedDpop {
  /** `undefined`: ES256 for a generated key (or what the server supports). */
  readonly alg: DpopAlgorithm | undefined;
  /** `undefined`: generate a key pair. */
  readonly privateKey: CryptoKey | JsonWebKey | undefined;
  readonly publicKey: CryptoKey | JsonWebKey | undefined;
}

/** Every algorithm a DPoP proof may be signed with, in the order a generated key prefers them. */
export const DPOP_ALGORITHMS: readonly DpopAlgorithm[] = [
  'ES256',
  'EdDSA',
  'Ed25519',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];

const DPOP_KEYS = keySet<DpopOptions>({ privateKey: true, publicKey: true, alg: true });

const CURVE_ALGS: Readonly<Record<string, DpopAlgorithm>> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

/**
 * Checks the `dpop` option.
 *
 * @param value - `true`, `false`, a {@link DpopOptions} (a `CryptoKeyPair` is one) or a private JWK.
 * @returns The checked option, or `undefined` when DPoP is off.
 * @throws {ConfigurationError} Naming the part that is wrong.
 */
export function resolveDpop(value: unknown): ResolvedDpop | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { alg: undefined, privateKey: undefined, publicKey: undefined };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(
      'dpop',
      'must be true, a key pair ({ privateKey, publicKey }), a private JWK or { alg }.',
    );
  }
  // A bare private JWK: `dpop: JSON.parse(process.env.DPOP_JWK)`.
  if ('kty' in value) return withAlg(undefined, value, undefined, 'dpop');
  rejectUnknownKeys(value, DPOP_KEYS, 'dpop.');
  const options = value as DpopOptions;
  const alg =
    options.alg === undefined
      ? undefined
      : oneOf(options.alg, 'dpop.alg', DPOP_ALGORITHMS, 'ES256');
  return withAlg(alg, options.privateKey, options.publicKey, 'dpop.privateKey');
}

function withAlg(
  alg: DpopAlgorithm | undefined,
  privateKey: unknown,
  publicKey: unknown,
  option: string,
): ResolvedDpop {
  if (privateKey === undefined) {
    if (publicKey !== undefined) {
      throw new ConfigurationError('dpop.publicKey', 'needs dpop.privateKey with it.');
    }
    return { alg, privateKey: undefined, publicKey: undefined };
  }
  const family = keyFamily(privateKey, 'private', option);
  if (publicKey === undefined) {
    if (isCryptoKey(privateKey)) {
      throw new ConfigurationError(
        'dpop.publicKey',
        'is required with a CryptoKey private key (a CryptoKeyPair holds both).',
      );
    }
  } else if (keyFamily(publicKey, 'public', 'dpop.publicKey').kind !== family.kind) {
    throw new ConfigurationError(
      'dpop.publicKey',
      'is not the same kind of key as the private key.',
    );
  }
  if (alg !== undefined && !family.fits(alg)) {
    throw new ConfigurationError('dpop.alg', `does not fit the ${family.kind} key given.`);
  }
  return {
    alg: alg ?? family.alg,
    privateKey: privateKey as CryptoKey | JsonWebKey,
    publicKey: publicKey as CryptoKey | JsonWebKey | undefined,
  };
}

interface KeyFamily {
  /** For messages: `EC P-256`, `RSA`, `Ed25519`. */
  readonly kind: string;
  /** The algorithm the key signs with unless told otherwise. */
  readonly alg: DpopAlgorithm;
  fits(alg: DpopAlgorithm): boolean;
}

/** A CryptoKey, told by its shape (a key from another realm or polyfill is one too). */
export function isCryptoKey(value: unknown): value is CryptoKey {
  const key = value as Partial<CryptoKey> | null;
  return (
    typeof key === 'object' &&
    key !== null &&
    typeof key.type === 'string' &&
    typeof key.algorithm === 'object' &&
    key.algorithm !== null &&
    Array.isArray(key.usages)
  );
}

function keyFamily(key: unknown, type: 'private' | 'public', option: string): KeyFamily {
  if (isCryptoKey(key)) {
    if (key.type !== type) {
      throw new ConfigurationError(option, `must be a ${type} key (it is a ${key.type} key).`);
    }
    if (type === 'private' && !key.usages.includes('sign')) {
      throw new ConfigurationError(option, "must allow 'sign' in its usages.");
    }
    const algorithm = key.algorithm as {
      name: string;
      namedCurve?: string;
      hash?: { name: string };
    };
    const hash = algorithm.hash?.name.replace('SHA-', '') ?? '';
    switch (algorithm.name) {
      case 'ECDSA':
        return curveFamily(algorithm.namedCurve, option);
      case 'Ed25519':
        return ED25519;
      case 'RSASSA-PKCS1-v1_5':
      case 'RSA-PSS': {
        const alg = `${algorithm.name === 'RSA-PSS' ? 'PS' : 'RS'}${hash}` as DpopAlgorithm;
        if (!DPOP_ALGORITHMS.includes(alg)) break;
        return { kind: `${algorithm.name} ${algorithm.hash?.name}`, alg, fits: (a) => a === alg };
      }
    }
    throw new ConfigurationError(
      option,
      'must be an ECDSA (P-256, P-384, P-521), Ed25519, RSASSA-PKCS1-v1_5 or RSA-PSS key.',
    );
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw new ConfigurationError(option, 'must be a CryptoKey or a JWK object.');
  }
  const jwk = key as JsonWebKey;
  const isPrivate = typeof jwk.d === 'string';
  if (isPrivate !== (type === 'private')) {
    throw new ConfigurationError(
      option,
      type === 'private'
        ? 'must be a private JWK (with "d").'
        : 'must be a public JWK (without "d": never send a private key in a proof).',
    );
  }
  switch (jwk.kty) {
    case 'EC':
      return curveFamily(jwk.crv, option);
    case 'OKP':
      if (jwk.crv === 'Ed25519') return ED25519;
      break;
    case 'RSA': {
      const alg =
        typeof jwk.alg === 'string' && /^(RS|PS)(256|384|512)$/.test(jwk.alg)
          ? (jwk.alg as DpopAlgorithm)
          : 'RS256';
      return { kind: 'RSA', alg, fits: (a) => /^(RS|PS)/.test(a) };
    }
  }
  throw new ConfigurationError(
    option,
    'must be an EC (P-256, P-384, P-521), OKP (Ed25519) or RSA JWK.',
  );
}

const ED25519: KeyFamily = {
  kind: 'Ed25519',
  alg: 'EdDSA',
  fits: (alg) => alg === 'EdDSA' || alg === 'Ed25519',
};

function curveFamily(curve: unknown, option: string): KeyFamily {
  const alg = typeof curve === 'string' ? CURVE_ALGS[curve] : undefined;
  if (alg === undefined) {
    throw new ConfigurationError(option, 'must be on the P-256, P-384 or P-521 curve.');
  }
  return { kind: `EC ${curve as string}`, alg, fits: (a) => a === alg };
}
