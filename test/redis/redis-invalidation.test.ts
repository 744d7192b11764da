import { HttpResponse, http } from 'msw';
import { expect, it } from 'vitest';
import { AccessToken } from '../../src/index.js';
import {
  describeWithRedis,
  namesOf,
  TEST_KEY,
  until,
  useRedisServer,
} from '../helpers/redis-server.js';
import { newClient, opaqueToken, SERVER, useTokenServer } from '../helpers/token-server.js';

const srv = useTokenServer();
const redis = useRedisServer();

function token(): AccessToken {
  const now = Date.now();
  return new AccessToken({
    accessToken: opaqueToken(),
    tokenType: 'Bearer',
    scope: [],
    expiresAt: now + 3_600_000,
    issuedAt: now,
  });
}

describeWithRedis('RedisTokenStore: invalidation is compare-and-delete', () => {
  it('deletes the token it names, in Redis and in every first level', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    const t = token();
    await a.set('k', t, 60_000);
    await b.get('k');
    expect(b.peek('k')).toBeDefined();
    expect(await a.delete('k', t.accessToken)).toBe(true);
    expect(a.peek('k')).toBeUndefined();
    await until(() => b.peek('k') === undefined, 1_000);
    expect(await b.get('k')).toBeUndefined();
    expect(await redis.admin((admin) => admin.keys('*'))).toEqual([]);
  });

  it('a rejected token never deletes a newer one another process stored', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    const old = token();
    await a.set('k', old, 60_000);
    await b.get('k');
    const newer = token();
    await b.set('k', newer, 60_000);
    await until(() => a.peek('k') === undefined); // a's first level learnt of it
    // a still meets a 401 with the old token: compare-and-delete finds the newer one.
    expect(await a.delete('k', old.accessToken)).toBe(false);
    expect((await a.get('k'))?.accessToken).toBe(newer.accessToken);
    expect(b.peek('k')).toBe(newer);
  });

  it('without a token to compare, delete removes whatever is stored, everywhere', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    await a.set('k', token(), 60_000);
    await b.get('k');
    expect(await b.delete('k')).toBe(true);
    await until(() => a.peek('k') === undefined, 1_000);
    expect(await a.get('k')).toBeUndefined();
    expect(await b.delete('k')).toBe(false);
  });

  it('processes meeting the same rejected token (401) get one new token for all', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => redis.store()));
    const clients = stores.map((store) => newClient({ store }));
    const revoked = new Set<string>();
    srv.server.use(
      http.get(`${SERVER}/resource`, ({ request }) => {
        const sent = request.headers.get('authorization')?.slice('Bearer '.length) ?? '';
        return revoked.has(sent)
          ? new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } })
          : HttpResponse.json({ ok: true });
      }),
    );
    const first = await clients[0]?.getToken();
    await Promise.all(clients.map((client) => client.getToken()));
    expect(srv.count).toBe(1);
    revoked.add(first?.accessToken ?? '');
    const answers = await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: 20 }, () => client.fetch(`${SERVER}/resource`)),
      ),
    );
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(srv.count).toBe(2);
    const next = await Promise.all(clients.map((client) => client.getToken()));
    expect(new Set(next.map((t) => t.accessToken)).size).toBe(1);
    expect(next[0]?.accessToken).not.toBe(first?.accessToken);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('announces deletions by hashes only: no token, key or scope on the channel', async () => {
    const [a, listener] = [await redis.store(), await redis.client()];
    const messages: string[] = [];
    const subscriber = listener.duplicate();
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    await subscriber.subscribe('confidential-client:events', (message) => {
      messages.push(message);
    });
    const t = token();
    await a.set(TEST_KEY, t, 60_000);
    await a.delete(TEST_KEY, t.accessToken);
    await until(() => messages.length === 2);
    subscriber.destroy();
    const { id } = namesOf();
    expect(messages.map((m) => m.split(' ').slice(0, 2))).toEqual([
      ['s', id],
      ['d', id],
    ]);
    const text = messages.join('\n');
    expect(text).not.toContain(t.accessToken);
    expect(text).not.toContain('backend-service');
    expect(text).not.toContain('mfp.example.com');
  });
});
