/**
 * The dev server's HTTPS mode: checks `startDevServer({ https })`, makes the certificates a
 * caller did not give (a CA of its own and a server certificate for the loopback names), and
 * creates the node:https server, which asks for client certificates when told to.
 *
 * @module
 */

import type { RequestListener } from 'node:http';
import { createServer, type Server as HttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { keysOf } from '../emulator/known-keys.js';
import { describeUnknownKey, findUnknownKey } from '../util/unknown-keys.js';
import {
  type CertificateAndKey,
  type CertificateAuthority,
  createCertificateAuthority,
  issueCertificate,
} from './certificates.js';

/**
 * HTTPS options of the dev server. Give `cert` and `key` to serve your own certificate, or
 * neither: a CA and a certificate for `localhost`, `127.0.0.1`, `::1` (and `host`) are made at
 * start, and {@link DevServer.ca} is what a client must trust.
 */
export interface DevServerHttpsOptions {
  /** The server's certificate (chain), PEM. With `key`. @default one made at start */
  readonly cert?: string | undefined;
  /** The private key of `cert`, PEM. @default one made at start */
  readonly key?: string | undefined;
  /**
   * The CA (PEM) that signed `cert`, which {@link DevServer.ca} then exposes for clients to
   * trust. Only with `cert`. @default `cert` itself (fits a self-signed one)
   */
  readonly ca?: string | undefined;
  /**
   * Ask every client for a certificate and end the TLS handshake of one that has none or one
   * `clientCa` did not sign (mutual TLS, as a gateway in front of MobileFirst may demand).
   * {@link DevServer.issueClientCertificate} issues accepted ones.
   * @default false
   */
  readonly requireClientCertificate?: boolean | undefined;
  /**
   * The CAs (PEM) whose client certificates are accepted with `requireClientCertificate`.
   * @default the dev server's own CA (made at start)
   */
  readonly clientCa?: string | readonly string[] | undefined;
}

/** The names the certificate made at start covers, besides a `host` that is not a wildcard. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

const HTTPS_OPTION_KEYS = keysOf<DevServerHttpsOptions>({
  cert: true,
  key: true,
  ca: true,
  requireClientCertificate: true,
  clientCa: true,
});

/** The TLS side of a started dev server. */
export interface TlsServer {
  readonly server: HttpsServer;
  /** What a client trusts: the CA made at start, or the caller's `ca` / `cert`. */
  readonly ca: string;
  /** Issues a client certificate signed by the CA made at start. */
  readonly issueClientCertificate: (options?: { commonName?: string }) => CertificateAndKey;
}

/**
 * Creates the HTTPS server of the dev server (not yet listening).
 *
 * @param option - `true` or the HTTPS options.
 * @param host - The interface it will listen on: a name or address other than a wildcard goes in
 *   the certificate made at start.
 * @param listener - The request handler.
 * @returns The server and its trust material.
 * @throws TypeError naming the option that is wrong.
 */
export function createTlsServer(
  option: true | DevServerHttpsOptions,
  host: string,
  listener: RequestListener,
): TlsServer {
  const options = checkHttpsOptions(option);
  let authority: CertificateAuthority | undefined;
  const ownCa = (): CertificateAuthority => {
    authority ??= createCertificateAuthority(
      `confidential-client dev server CA ${new Date().toISOString()}`,
    );
    return authority;
  };
  let identity: CertificateAndKey & { ca: string };
  if (options.cert !== undefined && options.key !== undefined) {
    identity = { cert: options.cert, key: options.key, ca: options.ca ?? options.cert };
  } else {
    const names = isWildcard(host) || LOOPBACK_NAMES.includes(host) ? [] : [host];
    const issued = issueCertificate(ownCa(), {
      commonName: 'localhost',
      usage: 'server',
      names: [...LOOPBACK_NAMES, ...names],
    });
    identity = { ...issued, ca: ownCa().cert };
  }
  const server = createServer(
    {
      cert: identity.cert,
      key: identity.key,
      ...(options.requireClientCertificate
        ? { requestCert: true, rejectUnauthorized: true, ca: clientCas(options, ownCa) }
        : {}),
    },
    listener,
  );
  return {
    server,
    ca: identity.ca,
    issueClientCertificate: ({ commonName = 'dev-client' } = {}) =>
      issueCertificate(ownCa(), { commonName, usage: 'client' }),
  };
}

/** The CAs whose client certificates are accepted: `clientCa`, or the CA made at start. */
function clientCas(options: DevServerHttpsOptions, ownCa: () => CertificateAuthority): string[] {
  const { clientCa } = options;
  if (clientCa === undefined) return [ownCa().cert];
  return typeof clientCa === 'string' ? [clientCa] : [...clientCa];
}

function checkHttpsOptions(option: unknown): DevServerHttpsOptions {
  if (option === true) return {};
  const prefix = 'startDevServer: options.https';
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new TypeError(
      `${prefix} must be true, false or { cert?, key?, ca?, requireClientCertificate?, clientCa? }`,
    );
  }
  const unknown = findUnknownKey(option, HTTPS_OPTION_KEYS);
  if (unknown) {
    throw new TypeError(`${prefix}.${describeUnknownKey(unknown.key, unknown.suggestion)}`);
  }
  const options = option as DevServerHttpsOptions;
  for (const name of ['cert', 'key', 'ca'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'string' || !value.includes('-----BEGIN '))) {
      throw new TypeError(`${prefix}.${name} must be a PEM string (-----BEGIN …)`);
    }
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TypeError(`${prefix}: give cert and key together, or neither (one is made at start)`);
  }
  if (options.ca !== undefined && options.cert === undefined) {
    throw new TypeError(`${prefix}.ca goes with cert and key: it is the CA that signed cert`);
  }
  const clientCa = options.clientCa;
  if (
    clientCa !== undefined &&
    !(typeof clientCa === 'string' ? [clientCa] : Array.isArray(clientCa) ? clientCa : [0]).every(
      (pem) => typeof pem === 'string' && pem.includes('-----BEGIN '),
    )
  ) {
    throw new TypeError(`${prefix}.clientCa must be a PEM string or a list of them`);
  }
  const require = options.requireClientCertificate;
  if (require !== undefined && typeof require !== 'boolean') {
    throw new TypeError(`${prefix}.requireClientCertificate must be a boolean`);
  }
  return options;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || (isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host));
}
