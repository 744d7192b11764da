/**
 * The contenders of `npm run bench:peers`, each behind one shape: `call(path)` sends one GET to
 * the resource with a token and reads the whole body, and answers the status the caller sees.
 *
 * - `fetch`: raw `fetch` with a fixed `Authorization` header (the baseline: no token logic).
 * - `openid-client`: `clientCredentialsGrant` and the cache an application writes around it: one
 *   token, renewed when less than a tenth of its lifetime (at most 30 s) is left. No single-flight:
 *   every caller that finds it stale asks for a token of its own; a 401 or 403 reaches the caller.
 * - `simple-oauth2`: `ClientCredentials.getToken()` and the same cache with `token.expired(window)`.
 * - `oauth2-client`: @badgateway/oauth2-client's `OAuth2Fetch` over `clientCredentials()` (it
 *   shares one token request between callers, and retries once after a 401).
 * - `ours`: `client.fetch`; `ours ky`: `client.ky`; `ours redis`: `client.fetch` with the
 *   two-level `RedisTokenStore` (when a redis-server can be started).
 * @module
 */
import { OAuth2Client, OAuth2Fetch } from '@badgateway/oauth2-client';
import * as openid from 'openid-client';
import { createClient } from 'redis';
import { ClientCredentials } from 'simple-oauth2';
import { ConfidentialClient } from '../../src/index.js';
import { RedisTokenStore } from '../../src/redis/index.js';

/** One contender. */
export interface Peer {
  readonly name: string;
  /** One request to `origin + path`, body read; the status the caller sees (throws on failure). */
  call(path: string): Promise<number>;
  /** What the Redis store counted (`ours redis` only), for the renewal scenario's line. */
  storeStats?(): unknown;
  close(): Promise<void>;
}

/** Everything a peer needs. */
export interface PeerContext {
  readonly origin: string;
  /** Where `ours redis` keeps its tokens. */
  readonly redisUrl?: string;
  /**
   * Its key namespace: a fresh one per contender unless given (the fleet's processes share one),
   * so that no scenario starts with a token another one left in Redis.
   */
  readonly redisNamespace?: string;
}

export const PEER_NAMES = [
  'fetch',
  'openid-client',
  'simple-oauth2',
  'oauth2-client',
  'ours',
  'ours ky',
  'ours redis',
] as const;
export type PeerName = (typeof PEER_NAMES)[number];

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-secret';

/** What an application would renew at: a tenth of the lifetime before expiry, at most 30 s. */
function renewalMargin(lifetimeMs: number): number {
  return Math.min(30_000, lifetimeMs / 10);
}

async function read(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

export async function createPeer(name: PeerName, context: PeerContext): Promise<Peer> {
  const { origin } = context;
  switch (name) {
    case 'fetch': {
      const answer = await fetch(`${origin}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      const { access_token } = (await answer.json()) as { access_token: string };
      const headers = { authorization: `Bearer ${access_token}` };
      return {
        name,
        call: async (path) => read(await fetch(origin + path, { headers })),
        close: async () => undefined,
      };
    }
    case 'openid-client': {
      const config = new openid.Configuration(
        { issuer: origin, token_endpoint: `${origin}/token` },
        CLIENT_ID,
        CLIENT_SECRET,
      );
      openid.allowInsecureRequests(config);
      let token: { header: string; renewAt: number } | undefined;
      const getToken = async (): Promise<string> => {
        if (token !== undefined && Date.now() < token.renewAt) return token.header;
        const t0 = Date.now();
        const response = await openid.clientCredentialsGrant(config);
        const lifetime = (response.expires_in ?? 3600) * 1000;
        token = {
          header: `Bearer ${response.access_token}`,
          renewAt: t0 + lifetime - renewalMargin(lifetime),
        };
        return token.header;
      };
      return {
        name,
        call: async (path) =>
          read(await fetch(origin + path, { headers: { authorization: await getToken() } })),
        close: async () => undefined,
      };
    }
    case 'simple-oauth2': {
      const grant = new ClientCredentials({
        client: { id: CLIENT_ID, secret: CLIENT_SECRET },
        auth: { tokenHost: origin, tokenPath: '/token' },
        options: { authorizationMethod: 'header' },
      });
      let token: Awaited<ReturnType<ClientCredentials['getToken']>> | undefined;
      let lifetime = 3600_000;
      const getToken = async (): Promise<string> => {
        if (token === undefined || token.expired(renewalMargin(lifetime) / 1000)) {
          token = await grant.getToken({});
          lifetime = Number(token.token.expires_in ?? 3600) * 1000;
        }
        return `Bearer ${token.token.access_token as string}`;
      };
      return {
        name,
        call: async (path) =>
          read(await fetch(origin + path, { headers: { authorization: await getToken() } })),
        close: async () => undefined,
      };
    }
    case 'oauth2-client': {
      const client = new OAuth2Client({
        server: origin,
        tokenEndpoint: '/token',
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        authenticationMethod: 'client_secret_basic',
      });
      const wrapper = new OAuth2Fetch({
        client,
        getNewToken: () => client.clientCredentials(),
        onError: () => undefined,
      });
      return {
        name,
        call: async (path) => read(await wrapper.fetch(origin + path)),
        close: async () => undefined,
      };
    }
    case 'ours':
    case 'ours ky':
    case 'ours redis': {
      let redis: ReturnType<typeof createClient> | undefined;
      let store: RedisTokenStore | undefined;
      if (name === 'ours redis') {
        if (context.redisUrl === undefined) throw new Error('bench: no Redis');
        redis = createClient({ url: context.redisUrl });
        redis.on('error', () => undefined);
        await redis.connect();
        store = new RedisTokenStore({
          client: redis,
          namespace: context.redisNamespace ?? `bench-${Math.random().toString(36).slice(2)}`,
        });
      }
      const client = new ConfidentialClient({
        tokenUrl: `${origin}/token`,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        ...(store === undefined ? {} : { store }),
      });
      const api = client.ky.extend({ throwHttpErrors: false, retry: 0 });
      return {
        name,
        call:
          name === 'ours ky'
            ? async (path) => read(await api.get(origin + path))
            : async (path) => read(await client.fetch(origin + path)),
        ...(store === undefined ? {} : { storeStats: () => store.stats() }),
        close: async () => {
          await client.close();
          await store?.close();
          redis?.destroy();
        },
      };
    }
  }
}
