/**
 * The admin REST API for confidential clients,
 * `GET`/`PUT /mfpadmin/management-apis/2.0/runtimes/{runtime}/confidentialclients`, and the
 * transaction a write starts, `GET …/runtimes/{runtime}/transactions/{id}`, with HTTP Basic
 * authentication of a console administrator.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_put.html
 */

import type {
  AdminTransaction,
  AdminTransactionOutcome,
  AdminTransactionStatus,
} from './admin-transactions.js';
import type { EmulatorContext } from './context.js';
import { jsonResponse, mediaType, parseBasicAuth, safeEqual } from './http-util.js';
import type { ConfidentialClientRegistration } from './options.js';
import { assertUniqueIds, validateClient } from './resolve-options.js';

/** The `productVersion` the emulator reports. */
export const PRODUCT_VERSION = '8.0.0.00-emulator';

const ADMIN_PATH =
  /^\/mfpadmin\/management-apis\/2\.0\/runtimes\/([^/]+)\/(?:confidentialclients|transactions\/([^/]+))\/?$/;

/** What an admin path names: the runtime, and the transaction ID for a transaction path. */
export interface AdminTarget {
  readonly runtime: string;
  /** As written in the path; `undefined` for the confidential-clients list. */
  readonly transaction: string | undefined;
}

/**
 * The runtime (and transaction) named by an admin path.
 *
 * @param pathname - A URL path.
 * @returns The target, or `undefined` if the path is not an admin endpoint the emulator serves.
 * @internal
 */
export function matchAdminPath(pathname: string): AdminTarget | undefined {
  const match = ADMIN_PATH.exec(pathname);
  if (!match) return undefined;
  return { runtime: decode(match[1]!), transaction: match[2] };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Answers the admin API. Order: administrator credentials (401 with `WWW-Authenticate: Basic`),
 * runtime (404), method (405). `GET` lists every client **with its secret**, as MobileFirst does,
 * then runs a callback queued by {@link MobileFirstEmulator.onNextAdminRead}. `PUT` with
 * `{ clients: [...] }` replaces the whole list, so the predefined `test`, `admin` and `push`
 * clients vanish unless the list repeats them; a bad body answers 400 with a `FAILURE`
 * transaction. A synchronous `PUT` applies at once and answers `SUCCESS` (or, with a fault queued
 * by {@link MobileFirstEmulator.failNextAdminWrite}, the fault's status and `FAILURE`). With
 * `?async=true` it answers 200 with a `PENDING` transaction (`ok: true`: the status of an
 * asynchronous answer is not documented) that ends, applied or failed, on a later read of
 * `GET …/transactions/{id}` (see {@link MobileFirstEmulator.setAdminTransactionReads}).
 * Transaction IDs count 1, 2, 3… per emulator. JSON only, no XML.
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @param target - From {@link matchAdminPath}.
 * @returns The response.
 * @internal
 */
export async function handleAdminRequest(
  ctx: EmulatorContext,
  request: Request,
  target: AdminTarget,
): Promise<Response> {
  ctx.counters.count('adminRequests');
  const { username, password } = ctx.options.administrator;
  const credentials = parseBasicAuth(request.headers.get('authorization'));
  if (
    !credentials ||
    !(safeEqual(credentials.id, username) && safeEqual(credentials.secret, password))
  ) {
    return jsonResponse(
      401,
      { message: 'administrator credentials are required (HTTP Basic)' },
      { 'www-authenticate': 'Basic realm="mfpadmin"' },
    );
  }
  const { runtime } = target;
  if (runtime !== ctx.options.runtime) {
    return jsonResponse(404, { message: `runtime "${runtime}" not found` });
  }
  if (target.transaction !== undefined) {
    if (request.method !== 'GET') {
      return jsonResponse(405, { message: 'use GET' }, { allow: 'GET' });
    }
    return readTransaction(ctx, target.transaction);
  }
  if (request.method === 'GET') {
    const response = jsonResponse(200, {
      clients: ctx.clients.list(),
      productVersion: PRODUCT_VERSION,
    });
    await ctx.admin.takeReadHook()?.();
    return response;
  }
  if (request.method !== 'PUT') {
    return jsonResponse(405, { message: 'use GET or PUT' }, { allow: 'GET, PUT' });
  }
  return writeClients(ctx, request, runtime);
}

async function writeClients(
  ctx: EmulatorContext,
  request: Request,
  runtime: string,
): Promise<Response> {
  const now = new Date(ctx.now()).toISOString();
  const transaction = (status: AdminTransactionStatus, errors: string[]): AdminTransaction => ({
    id: ctx.nextTransactionId(),
    status,
    type: 'UPLOAD_ARTIFACT',
    runtime,
    project: { name: runtime },
    userName: ctx.options.administrator.username,
    createdTimestamp: now,
    timeCreated: now,
    timeUpdated: now,
    errors: errors.map((details) => ({ details })),
  });
  const answer = (status: number, tx: AdminTransaction): Response => {
    ctx.admin.record(tx);
    return jsonResponse(status, {
      ok: tx.status === 'SUCCESS',
      productVersion: PRODUCT_VERSION,
      transaction: tx,
    });
  };
  if (!/^application\/([\w.+-]*\+)?json$/.test(mediaType(request))) {
    return answer(400, transaction('FAILURE', ['Content-Type must be application/json']));
  }
  let clients: ConfidentialClientRegistration[];
  try {
    const body = JSON.parse(await request.text()) as { clients?: unknown };
    if (!Array.isArray(body?.clients)) throw new TypeError('the body must be { "clients": [...] }');
    // A wire format, not an options object: fields the emulator does not know are dropped, as
    // a server that binds JSON to its model does, rather than refused.
    clients = body.clients.map((client, i) => validateClient(client, `clients[${i}]`, false));
    assertUniqueIds(clients, 'clients');
  } catch (error) {
    const details =
      error instanceof SyntaxError ? 'the body is not valid JSON' : (error as Error).message;
    return answer(400, transaction('FAILURE', [details]));
  }
  const fault = ctx.admin.takeFault();
  if (new URL(request.url).searchParams.get('async') === 'true') {
    const pending = transaction('PENDING', []);
    const outcome: AdminTransactionOutcome = fault
      ? { kind: 'fail', details: fault.details }
      : { kind: 'apply', clients };
    ctx.admin.record(pending, outcome);
    return jsonResponse(200, { ok: true, productVersion: PRODUCT_VERSION, transaction: pending });
  }
  if (fault) return answer(fault.status, transaction('FAILURE', [fault.details]));
  ctx.clients.replace(clients);
  return answer(200, transaction('SUCCESS', []));
}

function readTransaction(ctx: EmulatorContext, id: string): Response {
  const found = /^\d{1,15}$/.test(id)
    ? ctx.admin.read(Number(id), (outcome, pending) => {
        const timeUpdated = new Date(ctx.now()).toISOString();
        if (outcome.kind === 'fail') {
          return {
            ...pending,
            status: 'FAILURE',
            timeUpdated,
            errors: [{ details: outcome.details }],
          };
        }
        ctx.clients.replace(outcome.clients);
        return { ...pending, status: 'SUCCESS', timeUpdated };
      })
    : undefined;
  if (!found) return jsonResponse(404, { message: `transaction "${id}" not found` });
  return jsonResponse(200, { ...found, productVersion: PRODUCT_VERSION });
}
