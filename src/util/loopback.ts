/**
 * Whether a host only reaches this machine, in either spelling: a URL's `hostname` (`[::1]`) or a
 * bare host as a server listens on it (`::1`).
 *
 * Loopback: `localhost` and `*.localhost` (RFC 6761), `127.0.0.0/8`, `::1` in any of its forms,
 * and IPv4-mapped `::ffff:127.x.y.z` (which `URL` writes as `[::ffff:7f00:1]`). Anything else
 * (`0.0.0.0`, `::`, a LAN address, another name) may be reachable from other machines.
 *
 * @param host - A host name or IP address, with or without IPv6 brackets.
 * @returns Whether it is a loopback host.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (IPV4_LOOPBACK.test(name)) return true;
  if (!name.includes(':')) return false;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/.exec(name)?.[1];
  if (mapped !== undefined) {
    // ::ffff:127.0.0.1, or its hexadecimal form ::ffff:7f00:1 as URL normalizes it.
    return IPV4_LOOPBACK.test(mapped) || /^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(mapped);
  }
  return isIpv6One(name);
}

const IPV4_LOOPBACK = /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** `::1` however it is written (`0:0:0:0:0:0:0:1`, `::0:1`…). */
function isIpv6One(name: string): boolean {
  const halves = name.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (halves.length === 1 && head.length !== 8) return false;
  if (head.length + tail.length > 8) return false;
  const all = [...head, ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return false;
  const last = halves.length === 1 ? head[7] : tail.length > 0 ? tail.at(-1) : undefined;
  if (last === undefined || Number.parseInt(last, 16) !== 1) return false;
  return all.slice(0, -1).every((g) => Number.parseInt(g, 16) === 0);
}
