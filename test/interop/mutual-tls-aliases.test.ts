/**
 * RFC 8705 §5 against oidc-provider 8: a server whose main endpoints take no client certificate
 * (so that browsers are never asked for one) and whose metadata names `mtls_endpoint_aliases`:
 * another listener that asks for it. A client configured with `issuer` and mutual TLS discovers
 * the alias and sends its token requests there; a client with a secret stays on the main one.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClient } from '../../src/index.js';
import { type OidcProviderHandle, startOidcProvider } from '../helpers/oidc-provider.js';
import { makeCa, makeClientCert, makeServerCert, type Pems } from '../helpers/tls.js';

let serverCa: Pems;
let clientCert: Pems;
let provider: OidcProviderHandle;
let alias: Server;
let aliasUrl: string;
/** The token requests each listener received. */
const seen = { main: 0, alias: 0 };
const agents: Agent[] = [];

function agent(client?: Pems): Agent {
  const made = new Agent({ connect: { ca: serverCa.cert, ...client } });
  agents.push(made);
  return made;
}

const isTokenRequest = (req: IncomingMessage) =>
  req.method === 'POST' && (req.url ?? '').split('?')[0] === '/token';

beforeAll(async () => {
  serverCa = await makeCa('Alias server CA');
  const clientCa = await makeCa('Alias client CA');
  clientCert = await makeClientCert('orders-service', clientCa);
  const serverCert = await makeServerCert(serverCa);
  let providerListener: RequestListener | undefined;
  // The alias listener: asks for a certificate, and hands the request to the same provider.
  alias = createHttpsServer(
    { ...serverCert, requestCert: true, rejectUnauthorized: false, ca: [clientCa.cert] },
    (req, res) => {
      if (isTokenRequest(req)) seen.alias++;
      providerListener?.(req, res);
    },
  );
  await new Promise<void>((resolve) => alias.listen(0, '127.0.0.1', resolve));
  aliasUrl = `https://127.0.0.1:${(alias.address() as AddressInfo).port}`;
  const harnessAgent = agent();
  provider = await startOidcProvider({
    protocol: 'https',
    clientAuthMethods: ['client_secret_basic', 'tls_client_auth'],
    // The main listener asks for no certificate.
    createServer: (listener) => {
      providerListener = listener;
      return createHttpsServer(serverCert, (req, res) => {
        if (isTokenRequest(req)) seen.main++;
        listener(req, res);
      });
    },
    fetch: (input, init) => fetch(input, { ...init, dispatcher: harnessAgent } as RequestInit),
    features: {
      introspection: true,
      mTLS: {
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        getCertificate: (ctx: { req: IncomingMessage }) =>
          (ctx.req.socket as TLSSocket).getPeerX509Certificate?.(),
        certificateAuthorized: (ctx: { req: IncomingMessage }) =>
          (ctx.req.socket as TLSSocket).authorized,
        certificateSubjectMatches: () => true,
      },
    },
    configure: (configuration) => {
      configuration.discovery = {
        mtls_endpoint_aliases: { token_endpoint: `${aliasUrl}/token` },
      };
    },
    clients: [
      {
        client_id: 'orders-service',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=orders-service',
        tls_client_certificate_bound_access_tokens: true,
        scope: 'api:read',
      },
      {
        client_id: 'reporting',
        client_secret: 'reporting-secret-0123456789abcdef0123456789',
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'api:read',
      },
    ],
  });
});

afterAll(async () => {
  await provider?.close();
  await new Promise<void>((resolve) => {
    alias?.closeAllConnections();
    alias?.close(() => resolve());
  });
  await Promise.all(agents.map((a) => a.close()));
});

describe('mtls_endpoint_aliases (RFC 8705 §5)', () => {
  it('discovery names the alias; mutual TLS token requests go there, bound to the certificate', async () => {
    const before = { ...seen };
    await using client = new ConfidentialClient({
      issuer: provider.issuer,
      clientId: 'orders-service',
      clientAuthentication: 'tls_client_auth',
      dispatcher: agent(clientCert),
      scope: 'api:read',
    });
    const token = await client.getToken();
    expect(seen.alias - before.alias).toBe(1);
    expect(seen.main - before.main).toBe(0);
    const introspection = await provider.introspect(token.accessToken);
    expect(introspection).toMatchObject({ active: true, client_id: 'orders-service' });
    const thumbprint = createHash('sha256')
      .update(new X509Certificate(clientCert.cert).raw)
      .digest('base64url');
    expect(introspection.cnf).toEqual({ 'x5t#S256': thumbprint });
  });

  it('a client with a secret uses the main token endpoint', async () => {
    const before = { ...seen };
    await using client = new ConfidentialClient({
      issuer: provider.issuer,
      clientId: 'reporting',
      clientSecret: 'reporting-secret-0123456789abcdef0123456789',
      dispatcher: agent(),
      scope: 'api:read',
    });
    expect((await client.getToken()).tokenType).toBe('Bearer');
    expect(seen.main - before.main).toBe(1);
    expect(seen.alias - before.alias).toBe(0);
  });

  it('without the alias, the main endpoint (which asks for no certificate) refuses tls_client_auth', async () => {
    await using client = new ConfidentialClient({
      tokenUrl: provider.tokenEndpoint,
      clientId: 'orders-service',
      clientAuthentication: 'tls_client_auth',
      dispatcher: agent(clientCert),
      retry: false,
    });
    await expect(client.getToken()).rejects.toMatchObject({ error: 'invalid_client' });
  });
});
