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

/** A push message the emulator accepted (`202`), kept for assertions. */
export interface RecordedPushMessage {
  /** The application ID from the URL. */
  readonly appId: string;
  /** The ID returned to the sender. */
  readonly messageId: string;
  /** The client ID of the token that sent it. */
  readonly clientId: string;
  /** The message body as sent (`message`, `settings`, `target`, `notificationType`…). */
  readonly body: Readonly<Record<string, unknown>>;
  /** Whether it came through `/messages/bulk`. */
  readonly bulk: boolean;
  /** The emulator's clock when it was accepted, epoch ms. */
  readonly receivedAt: number;
}

/** The target types of a push message; only one may be set. */
export const PUSH_TARGET_TYPES = ['deviceIds', 'platforms', 'tagNames', 'userIds'] as const;

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
 * Checks one message body.
 *
 * @param body - The parsed JSON.
 * @param where - Its position, for the error message.
 * @returns An error message, or `undefined` if the body is valid.
 * @internal
 */
export function validatePushMessage(body: unknown, where: string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return `${where} must be a JSON object`;
  }
  const { message, target, notificationType } = body as Record<string, unknown>;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return `${where}.message must be an object with an "alert" string`;
  }
  if (typeof (message as Record<string, unknown>).alert !== 'string') {
    return `${where}.message.alert must be a string`;
  }
  if (notificationType !== undefined && ![1, 2, 3].includes(notificationType as number)) {
    return `${where}.notificationType must be 1 (push), 2 (SMS) or 3 (both)`;
  }
  if (target === undefined) return undefined;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) {
    return `${where}.target must be an object`;
  }
  const set = PUSH_TARGET_TYPES.filter(
    (type) => (target as Record<string, unknown>)[type] !== undefined,
  );
  if (set.length > 1) {
    return `${where}.target may set only one of ${PUSH_TARGET_TYPES.join(', ')}; it sets ${set.join(' and ')}`;
  }
  for (const type of set) {
    const value = (target as Record<string, unknown>)[type];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      return `${where}.target.${type} must be an array of strings`;
    }
  }
  return undefined;
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
