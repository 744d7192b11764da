/**
 * Push messages as the emulator accepts and records them: the checks a message body must pass, and
 * the record kept for assertions. No request handling (see `push.ts`), so that the emulator's
 * context can hold the records without importing the endpoint.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 */

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
