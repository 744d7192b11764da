import { normalizeScope } from 'confidential-client';
import type {
  IntrospectionApplication,
  IntrospectionData,
  IntrospectionDevice,
  IntrospectionWireResponse,
} from './introspection-data.js';
import { IntrospectionError } from './introspection-error.js';

/** Epoch values at or above this are milliseconds (in seconds it would be the year 5138). */
const MS_THRESHOLD = 1e11;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/**
 * An `exp` as epoch milliseconds: MobileFirst writes milliseconds, RFC 7662 seconds; a value
 * below 10¹¹ can only be seconds.
 *
 * @param exp - The `exp` member, a positive finite number.
 * @returns Epoch milliseconds.
 */
export function expiryToMs(exp: number): number {
  return exp >= MS_THRESHOLD ? exp : exp * 1000;
}

/**
 * Checks the body of a `200` introspection answer where it enters, and builds the domain type.
 * Members whose type the facts document (`scope`, `client_id`, `exp`, `username`,
 * `mfp-application`, `mfp-device`) must have it, or the whole answer is refused: a validator that
 * misread a field would let the wrong requests through. `null` reads as absent. `mfp-user` and
 * `mfp-checks` are mapped when they are JSON objects and otherwise left in `raw` only.
 *
 * @param text - The body.
 * @param url - The introspection endpoint, for the error message.
 * @returns The data of an active token, or `undefined` for `active: false`.
 * @throws {IntrospectionError} `reason: 'malformed'`: not JSON, no boolean `active`, or a member
 *   of the wrong type (the message names it, never its value).
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
export function parseIntrospectionResponse(
  text: string,
  url: string,
): IntrospectionData | undefined {
  const fail = (problem: string): never => {
    throw new IntrospectionError(
      'malformed',
      url,
      `${problem}; check that introspectionUrl is a MobileFirst (RFC 7662) introspection endpoint.`,
      { status: 200 },
    );
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('the answer is not JSON');
  }
  if (!isObject(body) || typeof body.active !== 'boolean') {
    return fail('the answer has no boolean `active` member');
  }
  if (!body.active) return undefined;

  const read = <T>(name: string, check: (value: unknown) => value is T, expected: string) => {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    return check(value) ? value : fail(`\`${name}\` is not ${expected}`);
  };
  const isString = (value: unknown): value is string => typeof value === 'string';
  const isExp = (value: unknown): value is number =>
    typeof value === 'number' && Number.isFinite(value) && value > 0;
  const scope = read('scope', isString, 'a string');
  const clientId = read('client_id', isString, 'a string');
  const exp = read('exp', isExp, 'a positive number');
  const username = read('username', isString, 'a string');
  const application = read('mfp-application', isObject, 'an object');
  const device = read('mfp-device', isObject, 'an object');

  const pick = (source: JsonObject, name: string, keys: readonly string[]) => {
    const out: Record<string, string> = {};
    for (const key of keys) {
      const value = source[key];
      if (value === undefined || value === null) continue;
      out[key] = isString(value) ? value : fail(`\`${name}.${key}\` is not a string`);
    }
    return out;
  };
  const raw = deepFreeze(body as IntrospectionWireResponse);
  const data: {
    -readonly [K in keyof IntrospectionData]: IntrospectionData[K];
  } = { active: true, scope: Object.freeze(normalizeScope(scope ?? '')), raw };
  if (clientId !== undefined) data.clientId = clientId;
  if (exp !== undefined) data.expiresAt = expiryToMs(exp);
  if (username !== undefined) data.username = username;
  if (application !== undefined) {
    data.application = pick(application, 'mfp-application', [
      'id',
      'version',
    ]) as IntrospectionApplication;
  }
  if (device !== undefined) {
    data.device = pick(device, 'mfp-device', ['id', 'hardware']) as IntrospectionDevice;
  }
  if (isObject(body['mfp-user'])) data.user = body['mfp-user'];
  if (isObject(body['mfp-checks'])) data.checks = body['mfp-checks'];
  return deepFreeze(data);
}
