/**
 * The part of a node-redis client that {@link RedisTokenStore} uses: what `createClient()`,
 * `createCluster()` and `createSentinel()` of `redis` (node-redis) v5 and v6 return, connected.
 *
 * The store only reads this shape, so it works with the client the application already has,
 * whatever modules, scripts or RESP version it was created with, and the package itself never
 * loads `redis`: the application's copy is the one in use.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisTokenStore({ client });
 * ```
 */
export interface RedisTokenStoreClient {
  /** Whether the client is connected and ready: while it is not, the store does not send. */
  readonly isReady: boolean;
  /** `GET key`. */
  get(key: string): Promise<unknown>;
  /** `EVAL script numkeys keys… arguments…`. */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  /**
   * A new connection with the same options, for the store's subscription to notifications (a
   * connection that subscribes can send nothing else).
   */
  duplicate(): RedisSubscriberClient;
  /** Listens for the client's `error` events (see {@link RedisTokenStore}). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops listening. */
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The connection {@link RedisTokenStore} opens with `client.duplicate()` to receive notifications.
 * The store owns it: it connects it, and closes it in `close()`.
 */
export interface RedisSubscriberClient {
  /** Opens the connection. */
  connect(): Promise<unknown>;
  /** `SUBSCRIBE channel`, with the listener of its messages. */
  subscribe(
    channel: string,
    listener: (message: string, channel: string) => unknown,
  ): Promise<unknown>;
  /** Closes the connection once pending replies are in (node-redis ≥ 5). */
  close(): Promise<unknown>;
  /** Closes the connection at once. */
  destroy(): unknown;
  /**
   * Connection events: `ready`, `error`, `reconnecting`, `end`; a Cluster client's are
   * `node-ready`, `node-error`, `node-reconnecting` and `node-disconnect`.
   */
  on(
    event:
      | 'ready'
      | 'error'
      | 'reconnecting'
      | 'end'
      | 'node-ready'
      | 'node-error'
      | 'node-reconnecting'
      | 'node-disconnect',
    listener: (...args: unknown[]) => void,
  ): unknown;
}
