/**
 * The admin REST API for confidential clients,
 * `GET`/`PUT /mfpadmin/management-apis/2.0/runtimes/{runtime}/confidentialclients`, with HTTP
 * Basic authentication of a console administrator.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_put.html
 */

import type { EmulatorContext } from './context.js';
import { jsonResponse, mediaType, parseBasicAuth, safeEqual } from './http-util.js';
import type { ConfidentialClientRegistration } from './options.js';
import { assertUniqueIds, validateClient } from './resolve-options.js';

/** The `productVersion` the emulator reports. */
export const PRODUCT_VERSION = '8.0.0.00-emulator';

const ADMIN_PATH = /^\/mfpadmin\/management-apis\/2\.0\/runtimes\/([^/]+)\/confidentialclients\/?$/;

/** The transaction object MobileFirst's admin service answers a change with. */
export interface AdminTransaction {
  readonly id: number;
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly type: 'UPLOAD_ARTIFACT';
  readonly runtime: string;
  readonly userName: string;
  readonly createdTimestamp: string;
  readonly errors: readonly { readonly details: string }[];
}

/**
 * The runtime named by an admin confidential-clients path.
 *
 * @param pathname - A URL path.
 * @returns The runtime, or `undefined` if the path is not that endpoint.
 * @internal
 */
export function matchAdminPath(pathname: string): string | undefined {
  const match = ADMIN_PATH.exec(pathname);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/**
 * Answers the admin API. Order: administrator credentials (401 with `WWW-Authenticate: Basic`),
 * runtime (404), method (405). `GET` lists every client **with its secret**, as MobileFirst does;
 * `PUT` with `{ clients: [...] }` replaces the whole list, so the predefined `test`, `admin` and
 * `push` clients vanish unless the list repeats them. Changes apply at once (also with
 * `?async=true`); a bad body answers 400 with a `FAILURE` transaction. Transaction IDs count
 * 1, 2, 3… per emulator. JSON only, no XML.
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @param runtime - From {@link matchAdminPath}.
 * @returns The response.
 * @internal
 */
export async function handleAdminRequest(
  ctx: EmulatorContext,
  request: Request,
  runtime: string,
): Promise<Response> {
  ctx.counters.adminRequests++;
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
  if (runtime !== ctx.options.runtime) {
    return jsonResponse(404, { message: `runtime "${runtime}" not found` });
  }
  if (request.method === 'GET') {
    return jsonResponse(200, { clients: ctx.clients.list(), productVersion: PRODUCT_VERSION });
  }
  if (request.method !== 'PUT') {
    return jsonResponse(405, { message: 'use GET or PUT' }, { allow: 'GET, PUT' });
  }
  const transaction = (status: AdminTransaction['status'], errors: string[]): AdminTransaction => ({
    id: ctx.nextTransactionId(),
    status,
    type: 'UPLOAD_ARTIFACT',
    runtime,
    userName: username,
    createdTimestamp: new Date(ctx.now()).toISOString(),
    errors: errors.map((details) => ({ details })),
  });
  const failure = (details: string): Response =>
    jsonResponse(400, {
      ok: false,
      productVersion: PRODUCT_VERSION,
      transaction: transaction('FAILURE', [details]),
    });
  if (!/^application\/([\w.+-]*\+)?json$/.test(mediaType(request))) {
    return failure('Content-Type must be application/json');
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
    return failure(
      error instanceof SyntaxError ? 'the body is not valid JSON' : (error as Error).message,
    );
  }
  ctx.clients.replace(clients);
  return jsonResponse(200, {
    ok: true,
    productVersion: PRODUCT_VERSION,
    transaction: transaction('SUCCESS', []),
  });
}
