/**
 * The push REST API's message endpoints, `POST /imfpush/v1/apps/{appId}/messages` and
 * `…/messages/bulk`: validated like MobileFirst and recorded for assertions instead of being
 * delivered.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 */

import { isScopeToken } from '../scope.js';
import { checkBearer } from './bearer-auth.js';
import type { EmulatorContext } from './context.js';
import { jsonResponse, mediaType } from './http-util.js';
import { type RecordedPushMessage, validatePushMessage } from './push-message.js';

const PUSH_PATH = /^\/imfpush\/v1\/apps\/([^/]+)\/messages(\/bulk)?\/?$/;

/** The scope element that grants sending push messages to an application. */
function appScope(appId: string): string {
  return `push.application.${appId}`;
}

/**
 * Whether a path is one of the push message endpoints. An application ID that cannot be part of
 * a scope element (a space, `"`, `\`, a control or non-ASCII character, once percent-decoded)
 * names no application: no token could ever be granted for it, so the path answers 404.
 *
 * @param pathname - A URL path.
 * @returns The application ID and whether it is the bulk endpoint, or `undefined`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @internal
 */
export function matchPushPath(pathname: string): { appId: string; bulk: boolean } | undefined {
  const match = PUSH_PATH.exec(pathname);
  if (!match) return undefined;
  let appId: string;
  try {
    appId = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  return isScopeToken(appScope(appId)) ? { appId, bulk: match[2] !== undefined } : undefined;
}

/**
 * Answers a push message request. Order: method (405), Bearer token with
 * `messages.write push.application.{appId}` (401/403), `Content-Type: application/json` (405, as
 * the API reference lists for an unsupported Content-Type), JSON (400), message checks (400).
 * An accepted message answers `202 { message, messageId }` (bulk: an array of those).
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
  route: { appId: string; bulk: boolean },
): Promise<Response> {
  ctx.counters.pushRequests++;
  if (request.method !== 'POST') {
    return jsonResponse(405, { message: 'use POST to send push messages' }, { allow: 'POST' });
  }
  // Elements, never a string to split: the app ID is one element whatever it holds.
  const scope = ['messages.write', appScope(route.appId)];
  const check = checkBearer(ctx, request, scope, scope.join(' '));
  if (!check.ok) return check.response;
  if (!/^application\/([\w.+-]*\+)?json$/.test(mediaType(request))) {
    return jsonResponse(405, { message: 'Content-Type must be application/json' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await request.text());
  } catch {
    return jsonResponse(400, { message: 'the body is not valid JSON' });
  }
  const bodies: unknown[] = route.bulk ? (Array.isArray(parsed) ? parsed : [undefined]) : [parsed];
  if (route.bulk && (!Array.isArray(parsed) || parsed.length === 0)) {
    return jsonResponse(400, {
      message: 'a bulk request must be a non-empty JSON array of messages',
    });
  }
  for (const [i, body] of bodies.entries()) {
    const error = validatePushMessage(body, route.bulk ? `messages[${i}]` : 'the body');
    if (error) return jsonResponse(400, { message: error });
  }
  const accepted = bodies.map((body) => {
    const record: RecordedPushMessage = {
      appId: route.appId,
      messageId: globalThis.crypto.randomUUID(),
      clientId: check.token.claims.sub,
      body: body as Record<string, unknown>,
      bulk: route.bulk,
      receivedAt: ctx.now(),
    };
    ctx.pushMessages.push(record);
    return { message: record.body.message, messageId: record.messageId };
  });
  return jsonResponse(202, route.bulk ? accepted : accepted[0]);
}
