// The `dpop` option's keys: every kind of key the constructor takes or refuses, the algorithm a
// generated key picks against a server's list, and the bounds of the nonce and `ath` memories.
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { chooseAlgorithm } from '../src/dpop/dpop-key.js';
import { DpopNonces } from '../src/dpop/dpop-nonces.js';
import { DpopProver } from '../src/dpop/dpop-prover.js';
import { isConfigurationError } from '../src/index.js';
import { resolveDpop } from '../src/options/resolve-dpop.js';

function refusal(value: unknown): string {
  try {
    resolveDpop(value);
  } catch (error) {
    // `option \`dpop.alg\` does not fit…` → `dpop.alg: does not fit…`
    return isConfigurationError(error)
      ? `${error.option}: ${error.message.replace(/^.*?option `[^`]+` /, '')}`
      : String(error);
  }
  return 'accepted';
}

const subtle = crypto.subtle;

describe('dpop keys the constructor takes', () => {
  it('infers the algorithm from a CryptoKey pair of each kind', async () => {
    const ed = await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    expect(resolveDpop(ed)?.alg).toBe('EdDSA');
    expect(resolveDpop({ ...(ed as CryptoKeyPair), alg: 'Ed25519' })?.alg).toBe('Ed25519');
    const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
    const pss = await subtle.generateKey({ name: 'RSA-PSS', hash: 'SHA-384', ...rsa }, false, [
      'sign',
      'verify',
    ]);
    expect(resolveDpop(pss)?.alg).toBe('PS384');
    const pkcs = await subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512', ...rsa },
      false,
      ['sign', 'verify'],
    );
    expect(resolveDpop(pkcs)?.alg).toBe('RS512');
    expect(refusal({ ...(pkcs as CryptoKeyPair), alg: 'PS512' })).toMatch(/^dpop.alg: /);
  });

  it('takes an RSA JWK’s own alg, and any RS/PS algorithm for it', async () => {
    const { privateKey } = await generateKeyPair('PS384', { extractable: true });
    const jwk = await exportJWK(privateKey);
    expect(resolveDpop({ ...jwk, alg: 'PS384' })?.alg).toBe('PS384');
    expect(resolveDpop({ privateKey: jwk, alg: 'RS512' })?.alg).toBe('RS512');
  });

  it('signs with a CryptoKey pair whose private key cannot be exported', async () => {
    const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'sign',
      'verify',
    ]);
    const prover = new DpopProver(resolveDpop(pair)!, Date.now);
    expect(prover.ready).toBe(false);
    expect(() => prover.thumbprint).toThrow(/not ready/);
    await prover.prepare();
    expect(prover.alg).toBe('ES384');
    expect(prover.thumbprint).toMatch(/^[\w-]{43}$/);
  });
});

describe('dpop keys the constructor refuses, naming the part', () => {
  it('CryptoKeys of the wrong type, usage, algorithm or curve', async () => {
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const ecdh = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ]);
    expect(refusal({ privateKey: ec.publicKey, publicKey: ec.publicKey })).toMatch(
      /^dpop.privateKey: .*private key/,
    );
    expect(refusal({ privateKey: ecdh.privateKey, publicKey: ec.publicKey })).toMatch(
      /^dpop.privateKey: .*'sign'/,
    );
    const hmac = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    expect(refusal({ privateKey: hmac, publicKey: ec.publicKey })).toMatch(
      /^dpop.privateKey: must be a private key \(it is a secret key\)/,
    );
    const sha1 = await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-1',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
      },
      false,
      ['sign', 'verify'],
    );
    expect(refusal(sha1)).toMatch(/^dpop.privateKey: must be an ECDSA/);
    const ed = await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
    expect(
      refusal({ privateKey: ec.privateKey, publicKey: (ed as CryptoKeyPair).publicKey }),
    ).toMatch(/^dpop.publicKey: is not the same kind/);
  });

  it('JWKs that are not private, not public, or of an unsupported kind', () => {
    expect(refusal({ privateKey: 'a PEM string' })).toMatch(
      /^dpop.privateKey: must be a CryptoKey/,
    );
    expect(
      refusal({
        privateKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' },
        publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' },
      }),
    ).toMatch(/^dpop.publicKey: must be a public JWK/);
    expect(refusal({ kty: 'EC', crv: 'secp256k1', x: 'x', y: 'y', d: 'd' })).toMatch(
      /^dpop: must be on the P-256/,
    );
    expect(refusal({ kty: 'OKP', crv: 'X25519', x: 'x', d: 'd' })).toMatch(
      /^dpop: must be an EC .*OKP \(Ed25519\) or RSA JWK/,
    );
    expect(refusal({ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd', alg: 'ES256' })).toBe('accepted');
    expect(
      refusal({ privateKey: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' }, alg: 'ES256' }),
    ).toMatch(/^dpop.alg: does not fit the Ed25519 key/);
    expect(refusal(['not', 'an', 'object'])).toMatch(/^dpop: must be true/);
  });

  it('a public JWK with members missing fails when the key is made ready', async () => {
    const { privateKey, publicKey } = await subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    );
    const jwk = await exportJWK(publicKey);
    const prover = new DpopProver(
      resolveDpop({ privateKey, publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x } })!,
      Date.now,
    );
    await expect(prover.prepare()).rejects.toMatchObject({ option: 'dpop.publicKey' });
  });
});

describe('the algorithm of a generated key against the server’s list', () => {
  it('ES256 unless the server lists others; then the first of ours it lists', () => {
    expect(chooseAlgorithm(undefined)).toBe('ES256');
    expect(chooseAlgorithm([])).toBe('ES256');
    expect(chooseAlgorithm(['RS256', 'ES256'])).toBe('ES256');
    expect(chooseAlgorithm(['PS256', 'RS256'])).toBe('PS256');
    expect(chooseAlgorithm(['EdDSA'])).toBe('EdDSA');
  });

  it('a server that lists none of ours: a ConfigurationError that says what it lists', () => {
    let error: unknown;
    try {
      chooseAlgorithm(['HS256', 'ML-DSA-44']);
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error) && error.option).toBe('dpop.alg');
    expect(String(error)).toMatch(/HS256, ML-DSA-44/);
  });

  it('a generated key follows the server’s list when the prover is given it', async () => {
    const prover = new DpopProver(resolveDpop(true)!, Date.now);
    await prover.prepare(['PS256']);
    expect(prover.alg).toBe('PS256');
  });

  it('an algorithm the runtime cannot generate is a ConfigurationError on first use', async () => {
    const prover = new DpopProver(resolveDpop(true)!, Date.now);
    await expect(
      prover.prepare(['RS256'].map(() => 'nope')).catch((e: unknown) => e),
    ).resolves.toMatchObject({
      option: 'dpop.alg',
    });
  });
});

describe('bounded memories', () => {
  it('nonces: the latest per origin, valid ones only, at most 256 origins', () => {
    const nonces = new DpopNonces();
    const answer = (nonce: string) => new Response(null, { headers: { 'dpop-nonce': nonce } });
    expect(nonces.observe('https://a', answer('n1'))).toBe('n1');
    expect(nonces.observe('https://a', answer('n1'))).toBe('n1');
    expect(nonces.observe('https://a', answer('n2'))).toBe('n2');
    expect(nonces.get('https://a')).toBe('n2');
    expect(nonces.observe('https://a', answer('has"quote'))).toBeUndefined();
    expect(nonces.observe('https://a', answer('x'.repeat(3000)))).toBeUndefined();
    expect(nonces.observe('https://a', new Response(null))).toBeUndefined();
    expect(nonces.get('https://a')).toBe('n2');
    for (let i = 0; i < 256; i++) nonces.observe(`https://o${i}`, answer(`n${i}`));
    expect(nonces.get('https://a')).toBeUndefined(); // the oldest went first
    expect(nonces.get('https://o255')).toBe('n255');
  });

  it('ath values: one hash per token, the memory bounded', async () => {
    const prover = new DpopProver(resolveDpop(true)!, Date.now);
    const url = new URL('https://api.example.com/x');
    const { decodeJwt } = await import('jose');
    const aths = new Set<unknown>();
    for (let i = 0; i < 70; i++) {
      aths.add(decodeJwt((await prover.proof('GET', url, `token-${i}`)).jwt).ath);
    }
    expect(aths.size).toBe(70);
    const again = decodeJwt((await prover.proof('GET', url, 'token-69')).jwt).ath;
    expect(aths.has(again)).toBe(true);
  });
});
