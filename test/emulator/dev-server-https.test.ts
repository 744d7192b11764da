import { X509Certificate } from 'node:crypto';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/testing/index.js';
import { makeCa, makeClientCert, makeServerCert } from '../helpers/tls.js';

const TOKEN_BODY = 'grant_type=client_credentials';
const agents: Agent[] = [];

/** An undici Agent trusting `ca`, with a client certificate if given; closed after the test. */
function agent(connect: { ca?: string; cert?: string; key?: string }): Agent {
  const made = new Agent({ connect });
  agents.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** A token request to the dev server's token endpoint (test:test), through `dispatcher`. */
function requestToken(server: DevServer, dispatcher?: Agent): Promise<Response> {
  return fetch(`${server.url}/mfp/api/az/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa('test:test')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: TOKEN_BODY,
    ...(dispatcher ? { dispatcher } : {}),
  } as RequestInit);
}

/** The root cause code of a failed fetch (`fetch failed` → … → `UNABLE_TO_VERIFY_LEAF_SIGNATURE`). */
async function failureCode(sent: Promise<unknown>): Promise<string | undefined> {
  const error = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  let code: string | undefined;
  for (let e = error; e instanceof Error; e = e.cause) {
    const own = (e as { code?: unknown }).code;
    if (typeof own === 'string') code = own;
  }
  return code;
}

describe('startDevServer({ https: true })', () => {
  it('serves the emulator over HTTPS with a certificate made at start, trusted through server.ca', async () => {
    await using server = await startDevServer({ https: true });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.ca).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    const response = await requestToken(server, agent({ ca: server.ca as string }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer' });
    expect(server.emulator.counters().tokenRequests).toBe(1);
  });

  it('is refused by a client that does not trust its CA', async () => {
    await using server = await startDevServer({ https: true });
    expect(await failureCode(requestToken(server))).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const other = await startDevServer({ https: true });
    await other.close();
    // Another dev server's CA is another CA: each start makes its own.
    expect(await failureCode(requestToken(server, agent({ ca: other.ca as string })))).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    expect(server.emulator.counters().tokenRequests).toBe(0);
  });

  it('makes a CA and a server certificate for localhost, 127.0.0.1 and ::1, valid now', async () => {
    await using server = await startDevServer({ https: true });
    const ca = new X509Certificate(server.ca as string);
    expect(ca.ca).toBe(true);
    const leaf = new X509Certificate((await peerCertificate(server.port, server.ca as string)).raw);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    const now = Date.now();
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(now);
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(now + 300 * 86_400_000);
    expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
  });

  it('answers on ::1 with the same certificate', async () => {
    await using server = await startDevServer({ https: true, host: '::1' });
    expect(server.url).toMatch(/^https:\/\/\[::1\]:\d+$/);
    const response = await requestToken(server, agent({ ca: server.ca as string }));
    expect(response.status).toBe(200);
  });

  it('adds the host it listens on to the certificate made at start', async () => {
    await using server = await startDevServer({ https: true, host: '127.0.0.2' });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    expect((await requestToken(server, agent({ ca: server.ca as string }))).status).toBe(200);
  });

  it('serves a certificate and key it is given, and exposes their CA', async () => {
    const ca = await makeCa();
    const { cert, key } = await makeServerCert(ca);
    await using server = await startDevServer({ https: { cert, key, ca: ca.cert } });
    expect(server.ca).toBe(ca.cert);
    expect((await requestToken(server, agent({ ca: ca.cert }))).status).toBe(200);
  });

  it('exposes a self-signed certificate it is given without ca as the one to trust', async () => {
    const self = await makeClientCert('localhost'); // self-signed, no SAN: trusted, name checked
    await using server = await startDevServer({ https: { cert: self.cert, key: self.key } });
    expect(server.ca).toBe(self.cert);
  });

  describe('requireClientCertificate', () => {
    it('serves a client with a certificate it issued, and ends the handshake of one without', async () => {
      await using server = await startDevServer({ https: { requireClientCertificate: true } });
      const ca = server.ca as string;
      const client = server.issueClientCertificate({ commonName: 'orders-service' });
      expect(new X509Certificate(client.cert).subject).toContain('CN=orders-service');

      const ok = await requestToken(server, agent({ ca, ...client }));
      expect(ok.status).toBe(200);
      // TLS 1.3: the server checks the certificate after the client's handshake has finished,
      // so the client sees the connection end rather than a handshake alert.
      expect(await failureCode(requestToken(server, agent({ ca })))).toMatch(
        /^(UND_ERR_SOCKET|ECONNRESET|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)$/,
      );
      expect(server.emulator.counters().tokenRequests).toBe(1);
    });

    it('accepts only certificates from clientCa when given', async () => {
      const clientCa = await makeCa('Client CA');
      await using server = await startDevServer({
        https: { requireClientCertificate: true, clientCa: clientCa.cert },
      });
      const ca = server.ca as string;
      const fromClientCa = await makeClientCert('billing', clientCa);
      expect((await requestToken(server, agent({ ca, ...fromClientCa }))).status).toBe(200);
      const selfSigned = await makeClientCert('intruder');
      expect(await failureCode(requestToken(server, agent({ ca, ...selfSigned })))).toBeDefined();
      expect(server.emulator.counters().tokenRequests).toBe(1);
    });
  });

  it('issueClientCertificate needs HTTPS', async () => {
    await using server = await startDevServer();
    expect(server.ca).toBeUndefined();
    expect(() => server.issueClientCertificate()).toThrow(/HTTPS/);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a typo',
      { cret: 'x' },
      /options\.https\."cret" is not a known option \(did you mean "cert"\?\)/,
    ],
    ['cert without key', { cert: '-----BEGIN CERTIFICATE-----' }, /cert and key together/],
    [
      'a path instead of PEM',
      { cert: './cert.pem', key: './key.pem' },
      /cert must be a PEM string/,
    ],
    ['ca without cert', { ca: '-----BEGIN CERTIFICATE-----' }, /ca goes with cert and key/],
    ['clientCa not PEM', { clientCa: ['x'] }, /clientCa must be a PEM string/],
    ['a string', 'yes', /https must be true, false or/],
    [
      'requireClientCertificate not boolean',
      { requireClientCertificate: 'yes' },
      /requireClientCertificate must be a boolean/,
    ],
  ])('refuses %s', async (_name, https, message) => {
    await expect(startDevServer({ https } as never)).rejects.toThrow(message);
  });
});

/** The certificate the server at `port` presents, read through a TLS connection. */
async function peerCertificate(port: number, ca: string): Promise<{ raw: Buffer }> {
  const { connect } = await import('node:tls');
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ca, servername: 'localhost' }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve(certificate);
    });
    socket.on('error', reject);
  });
}
