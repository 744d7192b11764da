import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateClientId, validateEntry } from '../../src/mobilefirst/admin/validate-entry.js';
import { isInvalidInputError } from '../../src/mobilefirst/index.js';
import { validateNotification } from '../../src/mobilefirst/push/validate-notification.js';
import { FUZZ_RUNS, fuzzTimeout } from './fuzz-runs.js';

/** Values of every kind, including the ones JSON cannot carry. */
const odd = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withMap: true }),
  fc.constantFrom('', 'M', 'A', 'max', 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, [], {}),
);

/** A push notification: known fields with good and odd values, unknown keys, several targets. */
const targets = fc.record(
  {
    deviceIds: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), odd),
    platforms: fc.oneof(fc.array(fc.constantFrom('A', 'G', 'W', 'M', ''), { maxLength: 3 }), odd),
    tagNames: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), odd),
    userIds: odd,
  },
  { requiredKeys: [] },
);
const settings = fc.record(
  {
    apns: fc.record({ badge: odd, type: odd, payload: odd, sound: odd }, { requiredKeys: [] }),
    gcm: fc.record(
      { priority: odd, timeToLive: odd, payload: odd, category: odd },
      { requiredKeys: [] },
    ),
    wns: fc.record(
      {
        badge: odd,
        toast: fc.record({ launch: odd, visual: odd, duration: odd }, { requiredKeys: [] }),
        tile: odd,
      },
      { requiredKeys: [] },
    ),
    fcm: odd,
  },
  { requiredKeys: [] },
);
const notification = fc.oneof(
  odd,
  fc.record(
    {
      message: fc.oneof(
        fc.record({ alert: fc.oneof(fc.string({ maxLength: 10 }), odd) }, { requiredKeys: [] }),
        odd,
      ),
      target: fc.oneof(targets, odd),
      settings: fc.oneof(settings, odd),
      notificationType: fc.oneof(fc.constantFrom(1, 2, 3, 4), odd),
      messsage: odd,
    },
    { requiredKeys: [] },
  ),
);

/** A marker a leak of the secret would show. */
const SECRET_MARK = 'S3CR3T-MARK';

const entry = fc.oneof(
  odd,
  fc.record(
    {
      id: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a:b', ' a', 'ok-id', 'é'), odd),
      secret: fc.oneof(
        fc.string({ maxLength: 12 }).map((s) => `${SECRET_MARK}${s}`),
        fc.constantFrom(`${SECRET_MARK}\u00e9`, `${SECRET_MARK}\n`),
        odd,
      ),
      allowedScope: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
        odd,
      ),
      displayName: odd,
      secrett: odd,
    },
    { requiredKeys: [] },
  ),
);

describe('fuzz: MobileFirst input validators', () => {
  it(
    `push notification: accepted, or an InvalidInputError naming a field (${FUZZ_RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(notification, (value) => {
          try {
            validateNotification(value);
          } catch (error) {
            expect(isInvalidInputError(error), String(error)).toBe(true);
            expect((error as { field: string }).field).not.toBe('');
            return;
          }
          // What is accepted can be sent: it is JSON, with an alert and at most one target.
          const sent = JSON.parse(JSON.stringify(value));
          expect(typeof sent.message.alert).toBe('string');
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    fuzzTimeout(0.5),
  );

  it(
    'admin client entry: accepted and normalized, or an InvalidInputError that never shows the secret',
    () => {
      fc.assert(
        fc.property(entry, (value) => {
          let change: ReturnType<typeof validateEntry>;
          try {
            change = validateEntry(value);
          } catch (error) {
            expect(isInvalidInputError(error), String(error)).toBe(true);
            expect(String(error)).not.toContain(SECRET_MARK);
            expect(JSON.stringify(error)).not.toContain(SECRET_MARK);
            return;
          }
          expect(change.id).toMatch(/^[\x20-\x7E]+$/);
          expect(change.id).not.toContain(':');
          for (const element of change.allowedScope) expect(element).toMatch(/^[\x21-\x7E]+$/);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    fuzzTimeout(0.5),
  );

  it('client ID as a call names it: accepted as is, or an InvalidInputError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), odd), (id) => {
        try {
          expect(validateClientId(id, 'id')).toBe(id);
        } catch (error) {
          expect(isInvalidInputError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
