/**
 * The JSON API behind the dev-server console page (`/mfpconsole/api/…`): one `state` document the
 * page polls (tokens, push messages, counters and their history, faults, clock), and the controls
 * it clicks (revoke, switch a fault, move the clock…). Built on the emulator's public methods
 * only, so that a test can do whatever the page does; the clients themselves go through the admin
 * API, as `AdminClient` does. Transport-free, like the rest of the emulator: the dev server mounts
 * it, and keeps it apart from `emulator.handle` so that injected latency never slows the console
 * down. It needs the administrator's credentials (HTTP Basic), as the admin API does.
 *
 * @module
 * @internal
 */

import type { MobileFirstEmulator } from './emulator.js';
import type { EmulatorRoute } from './faults.js';
import { jsonResponse, parseBasicAuth, safeEqual } from './http-util.js';

/** The path prefix of the console API. @internal */
export const CONSOLE_API_PATH = '/mfpconsole/api/';

/** How many tokens and push messages the state lists (the newest). */
const LIST_LIMIT = 100;

/** Options of {@link ConsoleApi}. @internal */
export interface ConsoleApiOptions {
  /** Whether the server listens beyond loopback (the page then shows a warning). */
  readonly beyondLoopback: boolean;
}

class BadRequest extends Error {}

type Body = Record<string, unknown>;

/**
 * Answers the console API.
 *
 * @internal
 */
export class ConsoleApi {
  readonly #emulator: MobileFirstEmulator;
  readonly #options: ConsoleApiOptions;
  #clientsSeen = '';
  #clientsRevision = 0;

  constructor(emulator: MobileFirstEmulator, options: ConsoleApiOptions) {
    this.#emulator = emulator;
    this.#options = options;
  }

  /**
   * Answers one request under {@link CONSOLE_API_PATH}: 401 without the administrator's
   * credentials (no `WWW-Authenticate`, so that a browser shows the page's own sign-in rather than
   * its dialog), 404 for an unknown path, 405 for a wrong method, 400 for a bad body.
   *
   * @param request - The request.
   * @returns The response.
   */
  async handle(request: Request): Promise<Response> {
    const { username, password } = this.#emulator.options.administrator;
    const credentials = parseBasicAuth(request.headers.get('authorization'));
    if (
      !credentials ||
      !(safeEqual(credentials.id, username) && safeEqual(credentials.secret, password))
    ) {
      return jsonResponse(401, { message: "sign in with the console administrator's credentials" });
    }
    const name = new URL(request.url).pathname.slice(CONSOLE_API_PATH.length);
    if (name === 'state') {
      if (request.method !== 'GET') return methodNotAllowed('GET');
      return jsonResponse(200, this.state(), { 'cache-control': 'no-store' });
    }
    const action = this.#actions[name];
    if (!action) return jsonResponse(404, { message: `no console API "${name}"` });
    if (request.method !== 'POST') return methodNotAllowed('POST');
    try {
      const body = await readJson(request);
      return jsonResponse(200, action(body) ?? {});
    } catch (error) {
      // The emulator's own checks (TypeError, RangeError) name what is wrong: say it to the page.
      if (
        error instanceof BadRequest ||
        error instanceof TypeError ||
        error instanceof RangeError
      ) {
        return jsonResponse(400, { message: error.message });
      }
      throw error;
    }
  }

  /** The document the page polls. Never a secret nor a token: token IDs (`jti`) only. */
  state(): Record<string, unknown> {
    const emulator = this.#emulator;
    const now = emulator.now();
    const { mode, runtime, tokenLifetime, adminClient, pushClient } = emulator.options;
    const tokens = emulator.issuedTokens();
    const messages = emulator.pushMessages({ last: LIST_LIMIT });
    return {
      now,
      mode,
      runtime,
      tokenLifetime,
      beyondLoopback: this.#options.beyondLoopback,
      adminPath: emulator.adminPath,
      tokenPath: emulator.tokenPath,
      builtInClients: [
        ...(mode === 'development' ? ['test'] : []),
        ...(adminClient ? [adminClient.id] : []),
        ...(pushClient ? [pushClient.id] : []),
      ],
      clientsRevision: this.#clientsRevisionNow(),
      tokens: {
        total: tokens.length,
        items: tokens
          .slice(-LIST_LIMIT)
          .reverse()
          .map(({ claims, scope, revoked }) => ({
            id: claims.jti,
            clientId: claims.sub,
            scope,
            issuedAt: claims.iat,
            expiresAt: claims.exp,
            status: revoked ? 'revoked' : now >= claims.exp ? 'expired' : 'active',
          })),
      },
      push: {
        total: emulator.pushMessageCount,
        items: messages.reverse().map(({ appId, messageId, clientId, body, bulk, receivedAt }) => ({
          appId,
          messageId,
          clientId,
          alert: (body.message as { alert?: unknown } | undefined)?.alert,
          target: body.target,
          settings: body.settings,
          notificationType: body.notificationType,
          bulk,
          receivedAt,
        })),
      },
      counters: emulator.counters(),
      history: emulator.counterHistory(),
      faults: emulator.faults(),
    };
  }

  /** A number that changes whenever the client list does, so that the page reads it again. */
  #clientsRevisionNow(): number {
    const seen = JSON.stringify(this.#emulator.clients());
    if (seen !== this.#clientsSeen) {
      this.#clientsSeen = seen;
      this.#clientsRevision++;
    }
    return this.#clientsRevision;
  }

  readonly #actions: Record<string, (body: Body) => Body | undefined> = {
    'tokens/revoke': (body) => {
      if (body.all === true) return { revoked: this.#emulator.revokeAllTokens() };
      return { revoked: this.#emulator.revokeToken(text(body, 'id')) ? 1 : 0 };
    },
    'push/clear': () => {
      this.#emulator.clearPushMessages();
      return undefined;
    },
    fault: (body) => {
      const route = text(body, 'route') as 'token' | 'introspection' | 'push';
      const fault = body.fault;
      if (fault !== null && (typeof fault !== 'object' || Array.isArray(fault))) {
        throw new BadRequest('fault must be an object such as { "kind": "drop" }, or null');
      }
      this.#emulator.setFault(route, (fault ?? undefined) as never);
      return undefined;
    },
    latency: (body) => {
      const route = (body.route ?? 'all') as EmulatorRoute | 'all';
      this.#emulator.setLatency(number(body, 'ms'), route);
      return undefined;
    },
    'faults/clear': () => {
      this.#emulator.clearFaults();
      return undefined;
    },
    clock: (body) => {
      this.#emulator.advanceClock(number(body, 'advance'));
      return { now: this.#emulator.now() };
    },
    'counters/reset': () => {
      this.#emulator.resetCounters();
      return undefined;
    },
  };
}

function methodNotAllowed(allow: string): Response {
  return jsonResponse(405, { message: `use ${allow}` }, { allow });
}

async function readJson(request: Request): Promise<Body> {
  const raw = await request.text();
  if (raw.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadRequest('the body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('the body must be a JSON object');
  }
  return body as Body;
}

function text(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${name} must be a string`);
  return value;
}

function number(body: Body, name: string): number {
  const value = body[name];
  if (typeof value !== 'number') throw new BadRequest(`${name} must be a number`);
  return value;
}
