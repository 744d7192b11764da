import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type {
  IntrospectionData,
  TokenValidator,
  TokenValidatorSettings,
} from '../../src/mobilefirst/index.js';
import { useValidatorDevServer } from './validator-kit.js';

declare module 'fastify' {
  interface FastifyRequest {
    mfp?: IntrospectionData;
  }
}

const t = useValidatorDevServer();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Calls the protected route `/orders` with the given headers. */
type Call = (headers?: Record<string, string>) => Promise<Response>;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What the protected handlers answer: the data they were handed. */
const echo = (data: IntrospectionData | undefined) => ({
  clientId: data?.clientId,
  scope: data?.scope,
});

const adapters: Record<string, (validator: TokenValidator, scope: string) => Promise<Call>> = {
  async express(validator, scope) {
    const app = express();
    app.get('/orders', validator.express(scope), (req, res) => {
      expectTypeOf(req.mfp).toEqualTypeOf<IntrospectionData | undefined>();
      res.json(echo(req.mfp));
    });
    const base = await listen(createServer(app));
    return (headers) => fetch(`${base}/orders`, { headers: headers ?? {} });
  },
  async fastify(validator, scope) {
    const app = Fastify();
    app.get('/orders', { preHandler: validator.fastify(scope) }, async (request) =>
      echo(request.mfp),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    return (headers) => fetch(`http://127.0.0.1:${port}/orders`, { headers: headers ?? {} });
  },
  async 'node:http'(validator, scope) {
    const server = createServer(
      validator.protect(scope, (_req, res, data) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(echo(data)));
      }),
    );
    const base = await listen(server);
    return (headers) => fetch(`${base}/orders`, { headers: headers ?? {} });
  },
  async fetch(validator, scope) {
    const guard = validator.guard(scope);
    return async (headers) => {
      const { response, data } = await guard(
        new Request('http://resource.test/orders', { headers: headers ?? {} }),
      );
      return response ?? Response.json(echo(data));
    };
  },
};

async function expectDenied(
  response: Response,
  status: number,
  error: string,
  wwwAuthenticate: string | null,
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('www-authenticate')).toBe(wwwAuthenticate);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
}

describe.each(Object.keys(adapters))('%s middleware', (name) => {
  const protect = (scope = 'orders.read', settings: TokenValidatorSettings = {}) =>
    (adapters[name] as (typeof adapters)[string])(t.validator(settings), scope);

  it('hands the introspection data to the handler', async () => {
    const call = await protect();
    const token = await t.appToken('orders.read orders.write');
    const response = await call({ authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      clientId: 'app',
      scope: ['orders.read', 'orders.write'],
    });
  });

  it('401 Bearer without a token', async () => {
    await expectDenied(await (await protect())(), 401, 'missing_token', 'Bearer');
  });

  it('401 Bearer for a malformed header', async () => {
    const call = await protect();
    await expectDenied(
      await call({ authorization: 'Basic dGVzdDp0ZXN0' }),
      401,
      'missing_token',
      'Bearer',
    );
  });

  it('401 invalid_token for a token introspection says is inactive', async () => {
    const call = await protect();
    await expectDenied(
      await call({ authorization: 'Bearer not-a-token' }),
      401,
      'invalid_token',
      'Bearer error="invalid_token"',
    );
  });

  it('403 insufficient_scope announcing the required scope', async () => {
    const call = await protect('orders.write');
    const token = await t.appToken('orders.read');
    await expectDenied(
      await call({ authorization: `Bearer ${token}` }),
      403,
      'insufficient_scope',
      'Bearer error="insufficient_scope", scope="orders.write"',
    );
  });

  it('409 MFP-Conflict: true, no WWW-Authenticate, when introspection says 409', async () => {
    const call = await protect();
    const token = await t.appToken();
    t.e2e.dev.emulator.failNextIntrospections(1, { kind: 'conflict' });
    const response = await call({ authorization: `Bearer ${token}` });
    expect(response.headers.get('mfp-conflict')).toBe('true');
    await expectDenied(response, 409, 'conflict', null);
  });

  it('503, never 500 and never the handler, when introspection is unreachable', async () => {
    const call = await protect('orders.read', {
      introspectionUrl: 'http://127.0.0.1:1/introspection',
    });
    const token = await t.appToken();
    const response = await call({ authorization: `Bearer ${token}` });
    const text = await response.clone().text();
    expect(text).not.toMatch(/at .*\.ts|Error:|127\.0\.0\.1/);
    await expectDenied(response, 503, 'temporarily_unavailable', null);
  });

  it('503 when introspection answers 5xx', async () => {
    const call = await protect();
    const token = await t.appToken();
    t.e2e.dev.emulator.failNextIntrospections(1, { kind: 'server-error' });
    await expectDenied(
      await call({ authorization: `Bearer ${token}` }),
      503,
      'temporarily_unavailable',
      null,
    );
  });
});

describe('middleware edge cases', () => {
  it('answers 503 whatever fails while checking, and a throwing logger changes nothing', async () => {
    const warn = vi.fn(() => {
      throw new Error('logger down');
    });
    const validator = t.validator({ logger: { debug() {}, info() {}, warn, error() {} } });
    vi.spyOn(globalThis.crypto.subtle, 'digest').mockRejectedValueOnce(new Error('no digest'));
    const { response } = await validator.guard('orders.read')(
      new Request('http://resource.test/', { headers: { authorization: 'Bearer abc' } }),
    );
    expect(response?.status).toBe(503);
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ reason: 'unexpected', message: 'no digest' }),
    );
  });

  it('leaves a response whose headers are already sent alone (node:http and Express)', async () => {
    const validator = t.validator();
    const listener = validator.protect('orders.read', () => {
      throw new Error('must not run');
    });
    const middleware = validator.express('orders.read');
    const base = await listen(
      createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('already started\n');
        const next = vi.fn();
        const done =
          req.url === '/node'
            ? listener(req, res)
            : new Promise<void>((resolve) => {
                middleware(req, res, next);
                setTimeout(resolve, 100);
              });
        void done.then(() => res.end(next.mock.calls.length === 0 ? 'ok' : 'next called'));
      }),
    );
    for (const path of ['/node', '/express']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('already started\nok');
    }
  });
});

describe('middleware types', () => {
  it('fits Express, Fastify and node:http without their types in the library', () => {
    expectTypeOf<ReturnType<TokenValidator['express']>>().toMatchTypeOf<express.RequestHandler>();
    expectTypeOf<ReturnType<TokenValidator['protect']>>().toMatchTypeOf<RequestListener>();
    // Compiles: a hook on a whole instance, and a middleware on a whole app.
    const check = (validator: TokenValidator) => {
      Fastify().addHook('preHandler', validator.fastify('orders.read'));
      express().use(validator.express('orders.read'));
    };
    expectTypeOf(check).toBeFunction();
    expectTypeOf<ReturnType<TokenValidator['guard']>>().toEqualTypeOf<
      (
        request: Request,
      ) => Promise<
        | { readonly response: undefined; readonly data: IntrospectionData }
        | { readonly response: Response; readonly data: undefined }
      >
    >();
  });
});
