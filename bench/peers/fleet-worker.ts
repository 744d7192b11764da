/**
 * One process of the peers benchmark's fleet: makes its contender (env `PEER`, `ORIGIN`, and
 * `REDIS_URL` and `REDIS_NAMESPACE` for `ours redis`), says `ready` over IPC, and on `go` sends `COLD` calls at once,
 * then keeps 8 calls in flight for `STEADY_MS`; answers `{ calls, failures, why }` (failures by status or error message) and exits.
 * @module
 */
import { createPeer, type PeerName } from './peers.js';

const env = (name: string): string => process.env[name] ?? '';
const peer = await createPeer(env('PEER') as PeerName, {
  origin: env('ORIGIN'),
  redisUrl: env('REDIS_URL'),
  redisNamespace: env('REDIS_NAMESPACE'),
});
process.send?.('ready');
// `on`, not `once`: a 'message' listener keeps the IPC channel, hence the process, alive while
// the calls run (without one, a process whose sockets are all idle-unref'd could end early).
let started = false;
process.on('message', async () => {
  if (started) return;
  started = true;
  let calls = 0;
  let failures = 0;
  const why = new Map<string, number>();
  const fail = (reason: string) => {
    failures++;
    why.set(reason, (why.get(reason) ?? 0) + 1);
  };
  const once = async () => {
    calls++;
    try {
      const status = await peer.call('/resource');
      if (status !== 200) fail(String(status));
    } catch (error) {
      fail((error as Error).message.slice(0, 80));
    }
  };
  await Promise.all(Array.from({ length: Number(env('COLD')) }, once));
  const end = Date.now() + Number(env('STEADY_MS'));
  const worker = async () => {
    while (Date.now() < end) await once();
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await peer.close();
  process.send?.({ calls, failures, why: Object.fromEntries(why) }, () => process.exit(0));
});
