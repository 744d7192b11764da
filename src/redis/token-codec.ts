import {
  createCipheriv,
  createDecipheriv,
  createHash,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { AccessToken } from 'confidential-client';

/** An encryption key, checked: its id and the AES-256 key. */
export interface CodecKey {
  readonly id: string;
  readonly key: KeyObject;
}

/** What {@link TokenCodec.decode} made of a stored value. */
export type Decoded =
  | { readonly ok: true; readonly token: AccessToken; readonly fingerprint: string }
  | { readonly ok: false; readonly reason: string };

/** The format's tag: every value starts with it. */
const VERSION = 'cc1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A fingerprint of an access token: the first 128 bits of its SHA-256, base64url (22 characters).
 * It names a token in Redis values and notifications without the token itself.
 *
 * @param accessToken - The token.
 * @returns Its fingerprint.
 */
export function fingerprint(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

/**
 * Turns tokens into Redis values and back.
 *
 * A value is `cc1.<fingerprint>.<body>`: the fingerprint up front lets a Lua script compare a
 * stored token with another (compare-and-delete) without reading the body. The body is
 * `p.<JSON record>` in clear, or `e.<key id>.<iv>.<ciphertext+tag>` under AES-256-GCM with a random
 * 96-bit IV per value; the Redis key name and the fingerprint are its additional authenticated
 * data, so a value moved to another key, or given another fingerprint, fails to decrypt.
 *
 * With keys, values are written with the first and read with any of them, and a value in clear is
 * refused (whoever can write to Redis could otherwise plant a token). Without keys, an encrypted
 * value is refused. A refused value is a miss: the caller warns and fetches a new token.
 */
export class TokenCodec {
  readonly #keys: readonly CodecKey[];
  readonly #byId: ReadonlyMap<string, KeyObject>;

  /** @param keys - Encryption keys, the one to write with first; none to store in clear. */
  constructor(keys: readonly CodecKey[]) {
    this.#keys = keys;
    this.#byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** Whether values are encrypted. */
  get encrypts(): boolean {
    return this.#keys.length > 0;
  }

  /**
   * The start of every value that holds the token of `fingerprint`.
   *
   * @param print - A token's fingerprint.
   * @returns `cc1.<fingerprint>.`
   */
  prefixOf(print: string): string {
    return `${VERSION}.${print}.`;
  }

  /**
   * @param token - The token to store.
   * @param name - The Redis key it goes to (authenticated with the value).
   * @returns The value, and the token's fingerprint.
   */
  encode(token: AccessToken, name: string): { value: string; fingerprint: string } {
    const print = fingerprint(token.accessToken);
    const record = JSON.stringify(token.toRecord());
    const first = this.#keys[0];
    if (first === undefined)
      return { value: `${this.prefixOf(print)}p.${record}`, fingerprint: print };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, first.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(`${name}\n${print}`));
    const sealed = Buffer.concat([
      cipher.update(record, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    const body = `e.${first.id}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    return { value: `${this.prefixOf(print)}${body}`, fingerprint: print };
  }

  /**
   * @param value - A value read from Redis.
   * @param name - The Redis key it was read from.
   * @returns The token, or why the value cannot be read (never with any of its content).
   */
  decode(value: string, name: string): Decoded {
    const [version, print, kind] = value.split('.', 3);
    if (version !== VERSION || print === undefined || print.length !== 22) {
      return { ok: false, reason: 'it is not a value written by RedisTokenStore' };
    }
    const body = value.slice(VERSION.length + print.length + 4);
    let json: string;
    if (kind === 'p') {
      if (this.encrypts) {
        return {
          ok: false,
          reason: 'it is stored in clear, and this store reads encrypted values only',
        };
      }
      json = body;
    } else if (kind === 'e') {
      const [id = '', iv = '', sealed = ''] = body.split('.');
      const key = this.#byId.get(id);
      if (key === undefined) {
        return {
          ok: false,
          reason: this.encrypts
            ? `it is encrypted with key id "${id}", which is not among this store's encryptionKeys`
            : 'it is encrypted, and this store was given no encryptionKeys',
        };
      }
      const opened = open(
        key,
        Buffer.from(iv, 'base64url'),
        Buffer.from(sealed, 'base64url'),
        name,
        print,
      );
      if (opened === undefined) {
        return {
          ok: false,
          reason: `it does not decrypt with key id "${id}" (another key, or altered)`,
        };
      }
      json = opened;
    } else {
      return { ok: false, reason: 'it is not a value written by RedisTokenStore' };
    }
    let token: AccessToken | undefined;
    try {
      token = AccessToken.fromRecord(JSON.parse(json));
    } catch {
      token = undefined;
    }
    if (token === undefined || fingerprint(token.accessToken) !== print) {
      return { ok: false, reason: 'it does not hold a well-formed token' };
    }
    return { ok: true, token, fingerprint: print };
  }
}

/** AES-256-GCM decryption; `undefined` when the tag does not verify. */
function open(
  key: KeyObject,
  iv: Buffer,
  sealed: Buffer,
  name: string,
  print: string,
): string | undefined {
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${name}\n${print}`));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    return undefined;
  }
}
