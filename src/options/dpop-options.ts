/**
 * The public types of the `dpop` option (RFC 9449, Demonstrating Proof of Possession): which key
 * signs the proofs, and with which algorithm. Resolution and checks live in `resolve-dpop.ts`.
 *
 * @module
 */

/**
 * A JWS algorithm for DPoP proofs: asymmetric only (RFC 9449 §4.2 forbids `none` and MAC
 * algorithms). `EdDSA` and `Ed25519` both sign with an Ed25519 key.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export type DpopAlgorithm =
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'EdDSA'
  | 'Ed25519';

/**
 * The DPoP key pair and algorithm. Every field is optional: `{}` (or `dpop: true`) generates an
 * ES256 key pair whose private key cannot be exported.
 *
 * @example
 * ```ts
 * // A key pair of your own, e.g. from a KMS-backed WebCrypto provider or an HSM:
 * const keyPair = await crypto.subtle.generateKey(
 *   { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'],
 * );
 * const client = new ConfidentialClient({ tokenUrl, clientId, clientSecret, dpop: keyPair });
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
export interface DpopOptions {
  /**
   * The private key that signs proofs: a `CryptoKey` (non-extractable is fine and best) or a
   * private JWK (with `d`). Never logged, never in an error.
   * @default a key pair generated for `alg`, with a private key that cannot be exported
   */
  privateKey?: CryptoKey | JsonWebKey | undefined;
  /**
   * The matching public key, sent in every proof's `jwk` header: a `CryptoKey` or a public JWK.
   * Required with a `CryptoKey` private key; derived from a private JWK.
   * @default derived from `privateKey` when it is a JWK
   */
  publicKey?: CryptoKey | JsonWebKey | undefined;
  /**
   * The JWS algorithm of the proofs. With a given key it must fit the key (an RSA key may use
   * `RS*` or `PS*`).
   * @default the key's own (`ES256` for a P-256 key, `EdDSA` for Ed25519, `RS256` for RSA, the
   *   JWK's `alg` when it has one); for a generated key `ES256`, or with `issuer` the first of
   *   these the server lists in `dpop_signing_alg_values_supported`
   */
  alg?: DpopAlgorithm | undefined;
}
