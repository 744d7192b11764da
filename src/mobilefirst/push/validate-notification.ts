/**
 * Checks a push notification before it is sent: its shape against the push API reference, each
 * field's type and documented values, the one-target rule, and keys the API does not know (named
 * with the nearest known one). Lengths are not checked: the reference documents none.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 */

import { findUnknownKey, shortKey } from '../../util/unknown-keys.js';
import { InvalidInputError } from '../invalid-input-error.js';

/** Checks one value at a path; throws {@link InvalidInputError} naming the path. */
type Check = (value: unknown, path: string) => void;

const TARGET_KINDS = ['deviceIds', 'platforms', 'tagNames', 'userIds'] as const;
const PLATFORMS = ['A', 'G', 'W'];

function fail(path: string, message: string): never {
  throw new InvalidInputError(path, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const string: Check = (value, path) => {
  if (typeof value !== 'string') fail(path, 'must be a string.');
};
const boolean: Check = (value, path) => {
  if (typeof value !== 'boolean') fail(path, 'must be true or false.');
};
const number: Check = (value, path) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a number.');
};
const jsonObject: Check = (value, path) => {
  if (!isPlainObject(value)) fail(path, 'must be a JSON object.');
};

/** Passes when one of `checks` does; `what` says what the value must be otherwise. */
function anyOf(what: string, ...checks: Check[]): Check {
  return (value, path) => {
    for (const check of checks) {
      try {
        return check(value, path);
      } catch {
        // Try the next form.
      }
    }
    fail(path, `must be ${what}.`);
  };
}

function integer(what: string, min = Number.NEGATIVE_INFINITY): Check {
  return (value, path) => {
    if (!Number.isInteger(value) || (value as number) < min) fail(path, `must be ${what}.`);
  };
}

function oneOf(values: readonly (string | number)[]): Check {
  return (value, path) => {
    if (!values.includes(value as string)) {
      fail(path, `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}.`);
    }
  };
}

/** An object whose keys are all known; each known key that is set passes its check. */
function object(
  fields: Readonly<Record<string, Check>>,
  hints: Record<string, string> = {},
): Check {
  const known = new Set(Object.keys(fields));
  return (value, path) => {
    if (!isPlainObject(value)) fail(path, 'must be an object.');
    const unknown = findUnknownKey(value, known);
    if (unknown !== undefined) {
      const { key, suggestion } = unknown;
      const hint =
        hints[key] ?? (suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`);
      fail(join(path, shortKey(key)), `is not a field the push API knows${hint}.`);
    }
    for (const [key, check] of Object.entries(fields)) {
      if (value[key] !== undefined) check(value[key], join(path, key));
    }
  };
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function nonEmptyStrings(items: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value) || value.length === 0) fail(path, 'must be a non-empty array.');
    for (const [i, item] of value.entries()) items(item, `${path}[${i}]`);
  };
}

const nonEmptyString: Check = (value, path) => {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string.');
};

const platform: Check = (value, path) => {
  if (PLATFORMS.includes(value as string)) return;
  const hint = value === 'M' ? ' (Windows is "W"; some tutorials say "M")' : '';
  fail(path, `must be "A" (iOS), "G" (Android) or "W" (Windows)${hint}.`);
};

const targetKinds: Record<string, Check> = {
  deviceIds: nonEmptyStrings(nonEmptyString),
  platforms: nonEmptyStrings(platform),
  tagNames: nonEmptyStrings(nonEmptyString),
  userIds: nonEmptyStrings(nonEmptyString),
};

const target: Check = (value, path) => {
  object(targetKinds)(value, path);
  const set = TARGET_KINDS.filter((kind) => (value as Record<string, unknown>)[kind] !== undefined);
  if (set.length === 0) {
    fail(
      path,
      `sets none of ${TARGET_KINDS.join(', ')}: set one, or leave \`${path}\` out to broadcast to every device of the application.`,
    );
  }
  if (set.length > 1) {
    fail(path, `may set only one of ${TARGET_KINDS.join(', ')}; it sets ${set.join(' and ')}.`);
  }
};

const wnsVisual = object({
  addImageQuery: boolean,
  baseUri: string,
  binding: anyOf('a JSON object or an array of them', jsonObject, (value, path) => {
    if (!Array.isArray(value)) fail(path, 'must be an array.');
    for (const [i, item] of value.entries()) jsonObject(item, `${path}[${i}]`);
  }),
  branding: string,
  contentId: string,
  lang: string,
  version: anyOf('a number or a string', number, string),
});

const settings = object(
  {
    apns: object({
      badge: integer('an integer'),
      category: string,
      iosActionKey: string,
      payload: jsonObject,
      sound: string,
      type: oneOf(['DEFAULT', 'MIXED', 'SILENT']),
      title: string,
      subtitle: string,
      attachmentUrl: string,
    }),
    gcm: object({
      bridge: boolean,
      category: oneOf([
        'call',
        'alarm',
        'email',
        'err',
        'event',
        'msg',
        'progress',
        'promo',
        'recommendation',
        'service',
        'social',
        'status',
        'transport',
      ]),
      collapseKey: string,
      delayWhileIdle: boolean,
      payload: jsonObject,
      priority: oneOf(['max', 'high', 'default', 'low', 'min']),
      redact: string,
      sound: string,
      sync: boolean,
      timeToLive: integer('a whole number of seconds ≥ 0', 0),
      visibility: oneOf(['public', 'private', 'secret']),
    }),
    wns: object({
      badge: object({
        value: anyOf('a number or a string', number, string),
        version: anyOf('a number or a string', number, string),
      }),
      cachePolicy: boolean,
      expirationTime: number,
      raw: object({ payload: jsonObject }),
      tile: object({ tag: string, visual: wnsVisual }),
      toast: object({
        audio: object({ loop: boolean, silent: boolean, src: string }),
        duration: oneOf(['short', 'long']),
        launch: anyOf('a string or a JSON object', string, jsonObject),
        visual: wnsVisual,
      }),
    }),
  },
  { fcm: ': Android settings go under "gcm" (the push API documents no "fcm")' },
);

const message: Check = (value, path) => {
  object({ alert: nonEmptyString })(value, path);
  if ((value as { alert?: unknown }).alert === undefined) {
    fail(join(path, 'alert'), 'is required: the text of the notification.');
  }
};

const notification = object({
  message,
  notificationType: oneOf([1, 2, 3]),
  settings,
  target,
});

/**
 * Checks a notification before it is sent.
 *
 * @param value - The notification, as the caller passed it.
 * @param path - Where it sits, for the error (`''` for one notification, `notifications[3]` in a
 *   bulk send).
 * @throws {InvalidInputError} Naming the field that is wrong (`message.alert`, `target`,
 *   `settings.gcm.priority`…) and what it must be.
 */
export function validateNotification(value: unknown, path = ''): void {
  if (!isPlainObject(value)) fail(path === '' ? 'notification' : path, 'must be an object.');
  if (value.message === undefined) fail(join(path, 'message'), 'is required: { alert: "…" }.');
  notification(value, path);
  // Payloads are checked as objects, not field by field: what JSON cannot carry must fail here,
  // before any request, not halfway through a batch.
  try {
    JSON.stringify(value);
  } catch {
    fail(
      path === '' ? 'notification' : path,
      'must be JSON-serializable: a payload holds a value JSON cannot carry (a BigInt, a cycle, a toJSON that throws).',
    );
  }
}
