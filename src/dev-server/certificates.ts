/**
 * A throwaway certificate authority for the HTTPS dev server: an ECDSA P-256 CA made at start,
 * a server certificate for the loopback names it signs, and client certificates on demand (for
 * mutual-TLS tests). X.509 DER is written here directly and signed with node:crypto, so that the
 * dev server needs no dependency for it (`selfsigned` brings @peculiar/x509, pkijs, tsyringe and
 * a global `reflect-metadata` patch, ~7 MB installed for every user of the package); what is
 * written is the small, fixed profile below, and the tests check it with OpenSSL itself (real TLS
 * handshakes) and `X509Certificate`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 * @module
 */

import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/** A certificate and its private key, both PEM. */
export interface CertificateAndKey {
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`). */
  readonly cert: string;
  /** Its private key, PKCS #8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  readonly key: string;
}

/** A CA made in memory: its certificate and the key that signs what it issues. */
export interface CertificateAuthority {
  readonly cert: string;
  readonly der: Buffer;
  readonly name: Buffer;
  readonly keyId: Buffer;
  readonly privateKey: KeyObject;
}

/** What a certificate is for. */
type Usage = 'ca' | 'server' | 'client';

const DAY = 86_400_000;

/**
 * Makes a CA valid for a year (from an hour ago, for clocks behind ours).
 *
 * @param commonName - Its subject's CN.
 * @returns The CA.
 */
export function createCertificateAuthority(commonName: string): CertificateAuthority {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = distinguishedName(commonName);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = keyIdentifier(spki);
  const der = certificate({
    subject: name,
    spki,
    keyId,
    usage: 'ca',
    names: [],
    issuer: { name, keyId, privateKey },
  });
  return { cert: pem('CERTIFICATE', der), der, name, keyId, privateKey };
}

/**
 * Issues a certificate signed by `ca`, with a key of its own.
 *
 * @param ca - The issuer.
 * @param options - The subject's CN, what it is for, and (for a server) the DNS names and IP
 *   addresses it answers to.
 * @returns The certificate and its key.
 */
export function issueCertificate(
  ca: CertificateAuthority,
  options: { commonName: string; usage: 'server' | 'client'; names?: readonly string[] },
): CertificateAndKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const der = certificate({
    subject: distinguishedName(options.commonName),
    spki,
    keyId: keyIdentifier(spki),
    usage: options.usage,
    names: options.names ?? [],
    issuer: ca,
  });
  return {
    cert: pem('CERTIFICATE', der),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

interface CertificateFields {
  subject: Buffer;
  spki: Buffer;
  keyId: Buffer;
  usage: Usage;
  names: readonly string[];
  issuer: { name: Buffer; keyId: Buffer; privateKey: KeyObject };
}

// OIDs of the profile.
const ECDSA_WITH_SHA256 = oid('1.2.840.10045.4.3.2');
const COMMON_NAME = oid('2.5.4.3');
const ORGANIZATION = oid('2.5.4.10');
const BASIC_CONSTRAINTS = oid('2.5.29.19');
const KEY_USAGE = oid('2.5.29.15');
const EXT_KEY_USAGE = oid('2.5.29.37');
const SUBJECT_ALT_NAME = oid('2.5.29.17');
const SUBJECT_KEY_ID = oid('2.5.29.14');
const AUTHORITY_KEY_ID = oid('2.5.29.35');
const SERVER_AUTH = oid('1.3.6.1.5.5.7.3.1');
const CLIENT_AUTH = oid('1.3.6.1.5.5.7.3.2');

function certificate(fields: CertificateFields): Buffer {
  const now = Date.now();
  // A positive 127-bit serial whose first byte is never 0 (DER integers are minimal).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const algorithm = tlv(0x30, ECDSA_WITH_SHA256);
  const tbs = tlv(
    0x30,
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    algorithm,
    fields.issuer.name,
    tlv(0x30, time(new Date(now - DAY / 24)), time(new Date(now + 365 * DAY))),
    fields.subject,
    fields.spki,
    tlv(0xa3, tlv(0x30, ...extensions(fields))),
  );
  const signature = sign('sha256', tbs, fields.issuer.privateKey); // DER ECDSA-Sig-Value
  return tlv(0x30, tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
}

function extensions({ usage, names, keyId, issuer }: CertificateFields): Buffer[] {
  const TRUE = tlv(0x01, Buffer.from([0xff]));
  const list = [
    extension(BASIC_CONSTRAINTS, true, tlv(0x30, ...(usage === 'ca' ? [TRUE] : []))),
    // keyCertSign + cRLSign (bits 5, 6; one unused bit), or digitalSignature (bit 0).
    extension(
      KEY_USAGE,
      true,
      usage === 'ca' ? tlv(0x03, Buffer.from([1, 0x06])) : tlv(0x03, Buffer.from([7, 0x80])),
    ),
    extension(SUBJECT_KEY_ID, false, tlv(0x04, keyId)),
  ];
  if (usage !== 'ca') {
    list.push(
      extension(AUTHORITY_KEY_ID, false, tlv(0x30, tlv(0x80, issuer.keyId))),
      extension(EXT_KEY_USAGE, false, tlv(0x30, usage === 'server' ? SERVER_AUTH : CLIENT_AUTH)),
    );
  }
  if (names.length > 0) {
    list.push(extension(SUBJECT_ALT_NAME, false, tlv(0x30, ...names.map(generalName))));
  }
  return list;
}

function extension(id: Buffer, critical: boolean, value: Buffer): Buffer {
  const flag = critical ? [tlv(0x01, Buffer.from([0xff]))] : [];
  return tlv(0x30, id, ...flag, tlv(0x04, value));
}

/** A SAN entry: `iPAddress` [7] for an address, `dNSName` [2] otherwise. */
function generalName(name: string): Buffer {
  const version = isIP(name);
  if (version === 4) return tlv(0x87, Buffer.from(name.split('.').map(Number)));
  if (version === 6) return tlv(0x87, ipv6Bytes(name));
  return tlv(0x82, Buffer.from(name, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  const words = [...left, ...zeros, ...right];
  const bytes = Buffer.alloc(16);
  for (const [i, word] of words.entries()) bytes.writeUInt16BE(Number.parseInt(word, 16), i * 2);
  return bytes;
}

function distinguishedName(commonName: string): Buffer {
  const attribute = (type: Buffer, value: string) =>
    tlv(0x31, tlv(0x30, type, tlv(0x0c, Buffer.from(value, 'utf8'))));
  return tlv(
    0x30,
    attribute(ORGANIZATION, 'confidential-client dev server'),
    attribute(COMMON_NAME, commonName),
  );
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the key. */
function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha256').update(spki).digest().subarray(0, 20);
}

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]|\.\d{3}/g, ''); // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(iso, 'ascii'));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A DER tag-length-value. */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const { length } = body;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const size: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) size.unshift(n & 0xff);
    header = [tag, 0x80 | size.length, ...size];
  }
  return Buffer.concat([Buffer.from(header), body]);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
