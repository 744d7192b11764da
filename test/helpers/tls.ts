/**
 * Certificates for TLS tests, made with `selfsigned` (a dev dependency): independent of the dev
 * server's own certificate code, so that each checks the other. EC P-256 keys: fast to make.
 */
import { generate } from 'selfsigned';

/** A certificate and its private key, PEM. */
export interface Pems {
  cert: string;
  key: string;
}

const ec = { keyType: 'ec', algorithm: 'sha256' } as const;

/** A private CA (basicConstraints cA, keyCertSign). */
export async function makeCa(commonName = 'Test private CA'): Promise<Pems> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...ec,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A server certificate for the loopback names, signed by `ca`. */
export async function makeServerCert(ca: Pems): Promise<Pems> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...ec,
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A client certificate: signed by `ca`, or self-signed without one. */
export async function makeClientCert(commonName: string, ca?: Pems): Promise<Pems> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...ec,
    ...(ca ? { ca } : {}),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
