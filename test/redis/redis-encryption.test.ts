import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Logger } from '../../src/index.js';
import { describeWithRedis, namesOf, TEST_KEY, useRedisServer } from '../helpers/redis-server.js';
import { CLIENT_SECRET, newClient, useTokenServer } from '../helpers/token-server.js';

const srv = useTokenServer();
const redis = useRedisServer();

const k1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const k2 = { id: 'k2', key: randomBytes(32) };

/** A logger that keeps its lines. */
function recorder() {
  const lines: { level: string; message: string; meta: unknown }[] = [];
  const at =
    (level: string) =>
    (message: string, meta?: unknown): void => {
      lines.push({ level, message, meta });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines, text: () => JSON.stringify(lines) };
}

/** The raw value of the test client's token in Redis. */
const stored = () => redis.admin((admin) => admin.get(namesOf().token));

describeWithRedis('RedisTokenStore: tokens encrypted at rest', () => {
  it('with a key, Redis holds no token, client ID or secret; a store with the key reads it', async () => {
    const writer = await redis.store({ encryptionKeys: [k1] });
    const token = await newClient({ store: writer }).getToken();
    const value = (await stored()) ?? '';
    expect(value).toMatch(/^cc1\.[\w-]{22}\.e\.k1\./);
    expect(value).not.toContain(token.accessToken);
    expect(value).not.toContain('LEAKCHECK');
    expect(value).not.toContain(CLIENT_SECRET);
    const keys = await redis.admin((admin) => admin.keys('*'));
    expect(keys.join(' ')).not.toMatch(/backend-service|mfp\.example|scope/);

    const reader = await redis.store({ encryptionKeys: [k1] });
    expect((await newClient({ store: reader }).getToken()).accessToken).toBe(token.accessToken);
    expect(srv.count).toBe(1);
  });

  it('without the key an entry is unreadable: a miss and one warning, never a crash or a leak', async () => {
    const writer = await redis.store({ encryptionKeys: [k1] });
    const token = await newClient({ store: writer }).getToken();
    const log = recorder();
    const stranger = await redis.store({ logger: log.logger });
    const own = await newClient({ store: stranger }).getToken();
    expect(own.accessToken).not.toBe(token.accessToken);
    expect(srv.count).toBe(2);
    expect(stranger.stats().unreadableValues).toBeGreaterThanOrEqual(1);
    expect(
      log.lines
        .filter((l) => l.level === 'warn')
        .map((l) => l.message)
        .join('\n'),
    ).toMatch(/encrypt/);
    expect(log.text()).not.toContain(token.accessToken);
    expect(log.text()).not.toContain(k1.key);

    const otherKey = await redis.store({ encryptionKeys: [{ id: 'k1', key: randomBytes(32) }] });
    await expect(otherKey.get(TEST_KEY)).resolves.toBeUndefined();
  });

  it('rotation: reads with old keys, writes with the new; the old key alone cannot read new values', async () => {
    const old = await redis.store({ encryptionKeys: [k1] });
    const first = await newClient({ store: old }).getToken();
    const rotated = await redis.store({ encryptionKeys: [k2, k1] });
    const client = newClient({ store: rotated });
    expect((await client.getToken()).accessToken).toBe(first.accessToken);
    expect(srv.count).toBe(1);

    const renewed = await client.getToken({ forceRefresh: true });
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(await stored()).toMatch(/\.e\.k2\./);
    const oldOnly = await redis.store({ encryptionKeys: [k1] });
    expect(await oldOnly.get(TEST_KEY)).toBeUndefined();
    expect(oldOnly.stats().unreadableValues).toBe(1);
  });

  it('a value altered, moved to another key, planted in clear or garbage is a miss plus a warning', async () => {
    const writer = await redis.store({ encryptionKeys: [k1] });
    await newClient({ store: writer }).getToken();
    const value = (await stored()) ?? '';
    const log = recorder();
    const reader = await redis.store({ encryptionKeys: [k1], logger: log.logger });
    const tamper = async (next: string) => {
      await redis.admin((admin) => admin.set(namesOf().token, next, { PX: 60_000 }));
      return reader.get(TEST_KEY);
    };
    // A flipped byte of the ciphertext.
    const flipped = `${value.slice(0, -3)}${value.at(-3) === 'A' ? 'B' : 'A'}${value.slice(-2)}`;
    expect(await tamper(flipped)).toBeUndefined();
    // The same value under another token's name: the key name is authenticated data.
    const otherName = namesOf('another cache key').token;
    await redis.admin((admin) => admin.set(otherName, value, { PX: 60_000 }));
    expect(await reader.get('another cache key')).toBeUndefined();
    // A token planted in clear, where values are encrypted.
    const plain = value.replace(/\.e\.k1\..*$/, '.p.{"accessToken":"planted"}');
    expect(await tamper(plain)).toBeUndefined();
    for (const garbage of [
      '',
      'x',
      'cc1',
      'cc1..e',
      `cc1.${'a'.repeat(22)}.e.k1.!!.!!`,
      '\u0000',
    ]) {
      expect(await tamper(garbage)).toBeUndefined();
    }
    expect(reader.stats().unreadableValues).toBe(9);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(9);
    expect(log.text()).not.toContain('planted');
  });

  it('refuses keys that are not 32 bytes, and duplicate key ids, before connecting', async () => {
    const client = await redis.client();
    const { RedisTokenStore } = await import('../../src/redis/index.js');
    expect(
      () => new RedisTokenStore({ client, encryptionKeys: [{ id: 'k', key: 'c2hvcnQ=' }] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ConfigurationError: confidential-client: option \`encryptionKeys[0].key\` must be 32 bytes (AES-256): a Uint8Array, or its base64 (e.g. \`openssl rand -base64 32\`).]`,
    );
    expect(
      () =>
        new RedisTokenStore({ client, encryptionKeys: [k1, { id: 'k1', key: randomBytes(32) }] }),
    ).toThrow(/k1/);
  });
});
