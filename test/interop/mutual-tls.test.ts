/**
 * Mutual TLS (RFC 8705) against oidc-provider 8 served over HTTPS: `tls_client_auth` (a client
 * certificate from a CA the server trusts, matched on its subject), `self_signed_tls_client_auth`
 * (a self-signed certificate registered in the client's JWKS), and certificate-bound access
 * tokens (`cnf.x5t#S256`) accepted by a resource server that checks the certificate of the
 * connection against the token's binding.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { inspect } from 'node:util';
import { exportJWK, importX509 } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfidentialClient,
  type ConfidentialClientOptions,
  isNetworkError,
  isTokenRequestError,
} from '../../src/index.js';
import {
  type OidcProviderHandle,
  type ResourceServerHandle,
  startOidcProvider,
  startResourceServer,
} from '../helpers/oidc-provider.js';
import { makeCa, makeClientCert, makeServerCert, type Pems } from '../helpers/tls.js';

let serverCa: Pems;
let clientCa: Pems;
/** Issued by `clientCa` for `orders-service`: the tls_client_auth client's certificate. */
let caIssued: Pems;
/** Issued by `clientCa` for another subject. */
let otherSubject: Pems;
/** Self-signed, registered in the self_signed_tls_client_auth client's JWKS. */
let selfSigned: Pems;
let provider: OidcProviderHandle;
let resource: ResourceServerHandle;
const agents: Agent[] = [];

/** An undici Agent trusting the servers' CA, presenting `client` if given. */
function agent(client?: Pems): Agent {
  const made = new Agent({ connect: { ca: serverCa.cert, ...client } });
  agents.push(made);
  return made;
}

/** The HTTPS server of a test: asks for a client certificate, lets the application decide. */
function httpsServer(server: Pems) {
  return (listener: RequestListener) =>
    createHttpsServer(
      {
        ...server,
        requestCert: true,
        rejectUnauthorized: false, // self-signed client certificates reach the provider too
        ca: [clientCa.cert],
      },
      listener,
    );
}

/** The certificate the client presented on this request's connection, if any. */
function peerCertificate(req: IncomingMessage): X509Certificate | undefined {
  return (req.socket as TLSSocket).getPeerX509Certificate?.();
}

/** RFC 8705 §3.1: the base64url SHA-256 of the certificate's DER. */
function thumbprint(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('base64url');
}

beforeAll(async () => {
  serverCa = await makeCa('Interop server CA');
  clientCa = await makeCa('Interop client CA');
  const providerCert = await makeServerCert(serverCa);
  caIssued = await makeClientCert('orders-service', clientCa);
  otherSubject = await makeClientCert('billing-service', clientCa);
  selfSigned = await makeClientCert('self-signed-service');
  const selfSignedJwk = {
    ...(await exportJWK(await importX509(selfSigned.cert, 'ES256', { extractable: true }))),
    x5c: [selfSigned.cert.replace(/-----[A-Z ]+-----|\s/g, '')],
  };
  const harnessAgent = agent();
  provider = await startOidcProvider({
    protocol: 'https',
    clientAuthMethods: ['client_secret_basic', 'tls_client_auth', 'self_signed_tls_client_auth'],
    createServer: httpsServer(providerCert),
    fetch: (input, init) => fetch(input, { ...init, dispatcher: harnessAgent } as RequestInit),
    features: {
      introspection: true,
      mTLS: {
        certificateBoundAccessTokens: true,
        tlsClientAuth: true,
        selfSignedTlsClientAuth: true,
        getCertificate: (ctx: { req: IncomingMessage }) => peerCertificate(ctx.req),
        certificateAuthorized: (ctx: { req: IncomingMessage }) =>
          (ctx.req.socket as TLSSocket).authorized,
        certificateSubjectMatches: (
          ctx: { req: IncomingMessage },
          property: string,
          expected: string,
        ) =>
          property === 'tls_client_auth_subject_dn' &&
          peerCertificate(ctx.req)?.subject.replaceAll('\n', ',') === expected,
      },
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
        client_id: 'self-signed-service',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [selfSignedJwk] },
        tls_client_certificate_bound_access_tokens: true,
        scope: 'api:read',
      },
    ],
  });
  resource = await startResourceServer({
    provider,
    protocol: 'https',
    createServer: httpsServer(await makeServerCert(serverCa)),
    requiredScope: ['api:read'],
    // A certificate-bound token is good only with the certificate it is bound to (RFC 8705 §3).
    check: (req, introspection) => {
      const bound = (introspection.cnf as { 'x5t#S256'?: string } | undefined)?.['x5t#S256'];
      const presented = peerCertificate(req);
      if (bound !== undefined && (presented === undefined || thumbprint(presented) !== bound)) {
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          body: '{"error":"invalid_token","error_description":"certificate binding"}',
        };
      }
      return undefined;
    },
  });
});

afterAll(async () => {
  await resource?.close();
  await provider?.close();
  await Promise.all(agents.map((a) => a.close()));
});

function mtlsClient(
  clientId: string,
  clientAuthentication: 'tls_client_auth' | 'self_signed_tls_client_auth',
  certificate: Pems | undefined,
  extra: Partial<ConfidentialClientOptions> = {},
) {
  return new ConfidentialClient({
    tokenUrl: provider.tokenEndpoint,
    clientId,
    clientAuthentication,
    dispatcher: agent(certificate),
    scope: 'api:read',
    origins: [resource.url],
    retry: false,
    ...extra,
  } as ConfidentialClientOptions);
}

describe('tls_client_auth (RFC 8705 §2.1)', () => {
  it('gets a token with the certificate on the connection: client_id in the body, no secret', async () => {
    await using client = mtlsClient('orders-service', 'tls_client_auth', caIssued);
    const seen = provider.tokenRequests().length;
    const token = await client.getToken();
    expect(token.tokenType).toBe('Bearer');
    const [request] = provider.tokenRequests().slice(seen);
    expect(request?.headers.authorization).toBeUndefined();
    const introspection = await provider.introspect(token.accessToken);
    expect(introspection).toMatchObject({ active: true, client_id: 'orders-service' });
    expect(introspection.cnf).toEqual({
      'x5t#S256': thumbprint(new X509Certificate(caIssued.cert)),
    });
  });

  it('calls a resource that checks the binding: the same certificate goes with the token', async () => {
    await using client = mtlsClient('orders-service', 'tls_client_auth', caIssued);
    const res = await client.fetch(`${resource.url}/orders`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ client_id: 'orders-service' });
  });

  it('a bound token presented with another certificate, or none, is refused', async () => {
    await using client = mtlsClient('orders-service', 'tls_client_auth', caIssued);
    const { authorization } = await client.getToken();
    for (const dispatcher of [agent(otherSubject), agent()]) {
      const res = await fetch(`${resource.url}/orders`, {
        headers: { authorization },
        dispatcher,
      } as RequestInit);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error_description: 'certificate binding' });
    }
  });

  it('never shows the private key: not in the client, nor in an error', async () => {
    await using client = mtlsClient('orders-service', 'tls_client_auth', otherSubject);
    const error = await client.getToken().catch((e: unknown) => e);
    const keyBody = otherSubject.key.split('\n')[1] as string; // a line of the key's base64
    for (const text of [
      inspect(client, { depth: 8 }),
      JSON.stringify(client),
      inspect(error, { depth: 8 }),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(keyBody);
    }
  });

  it('is refused with invalid_client for a certificate of another subject, or none', async () => {
    for (const certificate of [otherSubject, undefined]) {
      await using client = mtlsClient('orders-service', 'tls_client_auth', certificate);
      const error = await client.getToken().catch((e: unknown) => e);
      expect(isTokenRequestError(error)).toBe(true);
      expect(error).toMatchObject({ error: 'invalid_client' });
    }
  });
});

describe('self_signed_tls_client_auth (RFC 8705 §2.2)', () => {
  it('gets a bound token with the registered self-signed certificate, accepted by the resource', async () => {
    await using client = mtlsClient(
      'self-signed-service',
      'self_signed_tls_client_auth',
      selfSigned,
    );
    const res = await client.fetch(`${resource.url}/orders`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ client_id: 'self-signed-service' });
  });

  it('is refused with invalid_client for an unregistered certificate', async () => {
    await using client = mtlsClient('self-signed-service', 'self_signed_tls_client_auth', caIssued);
    await expect(client.getToken()).rejects.toMatchObject({ error: 'invalid_client' });
  });
});

describe('mutual TLS options', () => {
  it('need a dispatcher (the certificate goes on the connection), and take no secret', () => {
    const base = { tokenUrl: 'https://idp.example.com/token', clientId: 'a' };
    expect(
      () => new ConfidentialClient({ ...base, clientAuthentication: 'tls_client_auth' }),
    ).toThrow(/option `dispatcher` is required with clientAuthentication 'tls_client_auth'/);
    expect(
      () =>
        new ConfidentialClient({
          ...base,
          clientAuthentication: 'self_signed_tls_client_auth',
          clientSecret: 's',
        } as never),
    ).toThrow(/option `clientSecret` must not be given with clientAuthentication/);
    // A fetch of the user's may present the certificate instead.
    expect(
      () =>
        new ConfidentialClient({
          ...base,
          clientAuthentication: 'tls_client_auth',
          fetch: (input, init) => fetch(input, init),
        }),
    ).not.toThrow();
  });

  it('types: no secret with mutual TLS, a secret otherwise', () => {
    expectTypeOf({
      tokenUrl: 'https://idp.example.com/token',
      clientId: 'a',
      clientAuthentication: 'tls_client_auth' as const,
      dispatcher: new Agent(),
    }).toExtend<ConfidentialClientOptions>();
    expectTypeOf({
      tokenUrl: 'https://idp.example.com/token',
      clientId: 'a',
      clientAuthentication: 'tls_client_auth' as const,
      clientSecret: 's',
    }).not.toExtend<ConfidentialClientOptions>();
    expectTypeOf({
      tokenUrl: 'https://idp.example.com/token',
      clientId: 'a',
      clientAuthentication: 'client_secret_post' as const,
    }).not.toExtend<ConfidentialClientOptions>();
  });

  it("without the server's CA in the dispatcher, a NetworkError names the TLS failure", async () => {
    const untrusting = new Agent({ connect: { ...caIssued } });
    agents.push(untrusting);
    await using client = new ConfidentialClient({
      tokenUrl: provider.tokenEndpoint,
      clientId: 'orders-service',
      clientAuthentication: 'tls_client_auth',
      dispatcher: untrusting,
    });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect(error).toMatchObject({ causeCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });
});
