/**
 * The push REST API's message endpoints: `POST /imfpush/v1/apps/{appId}/messages` and
 * `…/messages/bulk` (validated like MobileFirst and recorded for assertions instead of being
 * delivered), `GET` and `DELETE …/messages/{messageId}`.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_bulk_push_messages_post.html
 */

import { isScopeToken } from '../scope.js';
import { checkBearer } from './bearer-auth.js';
import type { EmulatorContext } from './context.js';
import { jsonResponse, mediaType } from './http-util.js';
import { isAcceptedFault, pushFaultResponse } from './push-faults.js';
import { type RecordedPushMessage, validatePushMessage } from './push-message.js';

const PUSH_PATH = /^\/imfpush\/v1\/apps\/([^/]+)\/messages(?:\/([^/]+))?\/?$/;

/** Which push endpoint a path names. @internal */
export type PushRoute =
  | { readonly appId: string; readonly kind: 'send' | 'bulk' }
  | { readonly appId: string; readonly kind: 'message'; readonly messageId: string };

/** The scope element that grants access to an application's push service. */
function appScope(appId: string): string {
  return `push.application.${appId}`;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Whether a path is one of the push message endpoints. An application ID that cannot be part of
 * a scope element (a space, `"`, `\`, a control or non-ASCII character, once percent-decoded)
 * names no application: no token could ever be granted for it, so the path answers 404.
 * `…/messages/bulk` is always the bulk endpoint, never a message ID.
 *
 * @param pathname - A URL path.
 * @returns The route, or `undefined`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @internal
 */
export function matchPushPath(pathname: string): PushRoute | undefined {
  const match = PUSH_PATH.exec(pathname);
  if (!match) return undefined;
  const appId = decode(match[1]!);
  if (appId === undefined || !isScopeToken(appScope(appId))) return undefined;
  if (match[2] === undefined) return { appId, kind: 'send' };
  if (match[2] === 'bulk') return { appId, kind: 'bulk' };
  const messageId = decode(match[2]);
  return messageId === undefined ? undefined : { appId, kind: 'message', messageId };
}

/** Whether an `Accept` header (absent: anything) admits `application/json`. */
function acceptsJson(request: Request): boolean {
  const accept = request.headers.get('accept');
  if (accept === null || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const refused = params.some((param) => /^q=0(\.0{0,3})?$/.test(param));
    return !refused && ['application/json', 'application/*', '*/*'].includes(type);
  });
}

/**
 * Answers a push request. Order: method (405), Bearer token with `push.application.{appId}` and
 * `messages.write` (`messages.read` for a GET) (401/403), `Accept` (406, when it excludes
 * `application/json`), then per endpoint: `Content-Type: application/json` (405, as the API
 * reference lists for an unsupported Content-Type), JSON (400), message checks (400); or the
 * message looked up (404). A queued push fault then takes the place of the answer.
 *
 * - A send answers `202 { message, messageId }`; bulk `202` with one of those per message, in
 *   order (the API reference documents no bulk answer: this is the single send's, per message).
 * - `GET …/messages/{id}` answers `200 { alert, messageId }`, as the API reference's example.
 * - `DELETE …/messages/{id}` answers `204` and forgets the message.
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @param route - From {@link matchPushPath}.
 * @returns The response.
 * @internal
 */
export async function handlePushRequest(
  ctx: EmulatorContext,
  request: Request,
  route: PushRoute,
): Promise<Response> {
  ctx.counters.count('pushRequests');
  const allowed = route.kind === 'message' ? ['GET', 'DELETE'] : ['POST'];
  if (!allowed.includes(request.method)) {
    return jsonResponse(
      405,
      { message: `use ${allowed.join(' or ')} on this push endpoint` },
      { allow: allowed.join(', ') },
    );
  }
  // Elements, never a string to split: the app ID is one element whatever it holds.
  const access = request.method === 'GET' ? 'messages.read' : 'messages.write';
  const scope = [access, appScope(route.appId)];
  const check = checkBearer(ctx, request, scope, scope.join(' '));
  if (!check.ok) return check.response;
  if (!acceptsJson(request)) {
    return jsonResponse(406, { message: 'Accept must allow application/json' });
  }
  if (route.kind === 'message') return answerMessage(ctx, request.method, route);
  return send(ctx, request, route, check.token.claims.sub);
}

async function send(
  ctx: EmulatorContext,
  request: Request,
  route: PushRoute,
  clientId: string,
): Promise<Response> {
  const bulk = route.kind === 'bulk';
  if (!/^application\/([\w.+-]*\+)?json$/.test(mediaType(request))) {
    return jsonResponse(405, { message: 'Content-Type must be application/json' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await request.text());
  } catch {
    return jsonResponse(400, { message: 'the body is not valid JSON' });
  }
  if (bulk && (!Array.isArray(parsed) || parsed.length === 0)) {
    return jsonResponse(400, {
      message: 'a bulk request must be a non-empty JSON array of messages',
    });
  }
  const bodies: unknown[] = bulk ? (parsed as unknown[]) : [parsed];
  for (const [i, body] of bodies.entries()) {
    const error = validatePushMessage(body, bulk ? `messages[${i}]` : 'the body');
    if (error) return jsonResponse(400, { message: error });
  }
  const fault = ctx.faults.takePush();
  if (fault !== undefined && !isAcceptedFault(fault)) return pushFaultResponse(fault);
  const accepted = bodies.map((body) => {
    const record: RecordedPushMessage = {
      appId: route.appId,
      messageId: globalThis.crypto.randomUUID(),
      clientId,
      body: body as Record<string, unknown>,
      bulk,
      receivedAt: ctx.now(),
    };
    ctx.pushMessages.push(record);
    return { message: record.body.message, messageId: record.messageId };
  });
  // An accepted fault: the messages are recorded, but their sender never hears of it.
  if (fault !== undefined) return pushFaultResponse(fault);
  return jsonResponse(202, bulk ? accepted : accepted[0]);
}

function answerMessage(
  ctx: EmulatorContext,
  method: string,
  route: { appId: string; messageId: string },
): Response {
  const index = ctx.pushMessages.findIndex(
    (record) => record.appId === route.appId && record.messageId === route.messageId,
  );
  if (index === -1) {
    return jsonResponse(404, {
      message: `no message with ID "${route.messageId}" in application "${route.appId}"`,
    });
  }
  const fault = ctx.faults.takePush();
  if (fault !== undefined && !isAcceptedFault(fault)) return pushFaultResponse(fault);
  const record = ctx.pushMessages[index]!;
  if (method === 'DELETE') ctx.pushMessages.splice(index, 1);
  if (fault !== undefined) return pushFaultResponse(fault);
  if (method === 'DELETE') return new Response(null, { status: 204 });
  const alert = (record.body.message as { alert?: unknown }).alert;
  return jsonResponse(200, { alert, messageId: record.messageId });
}
