import { describe, expectTypeOf, it } from 'vitest';
import type { ConfidentialClient, ConfidentialClientError } from '../../src/index.js';
import {
  isPushError,
  PushClient,
  type PushError,
  type PushNotification,
  type PushSendOutcome,
  type PushTarget,
} from '../../src/mobilefirst/index.js';

/** Type-checks `build` without running it. */
const compileOnly = (build: () => unknown): void => void build;

describe('push public types', () => {
  it('a target sets exactly one kind, of the documented platforms', () => {
    expectTypeOf<{ userIds: ['u'] }>().toExtend<PushTarget>();
    expectTypeOf<{ platforms: ['A', 'G', 'W'] }>().toExtend<PushTarget>();
    expectTypeOf<{ userIds: ['u']; tagNames: ['t'] }>().not.toExtend<PushTarget>();
    expectTypeOf<{ platforms: ['M'] }>().not.toExtend<PushTarget>();
  });

  it('a notification needs message.alert; settings are typed per platform', () => {
    expectTypeOf<{ message: { alert: 'hi' } }>().toExtend<PushNotification>();
    expectTypeOf<{ target: { userIds: ['u'] } }>().not.toExtend<PushNotification>();
    expectTypeOf<{
      message: { alert: 'hi' };
      settings: { gcm: { priority: 'urgent' } };
    }>().not.toExtend<PushNotification>();
    expectTypeOf<{
      message: { alert: 'hi' };
      notificationType: 4;
    }>().not.toExtend<PushNotification>();
  });

  it('an outcome narrows on ok', () => {
    compileOnly(async () => {
      const push = new PushClient({ client: {} as ConfidentialClient, applicationId: 'app' });
      for (const outcome of await push.sendAll([])) {
        expectTypeOf(outcome).toEqualTypeOf<PushSendOutcome>();
        if (outcome.ok) expectTypeOf(outcome.messageId).toEqualTypeOf<string>();
        else {
          expectTypeOf(outcome.error).toEqualTypeOf<ConfidentialClientError>();
          expectTypeOf(outcome.mayHaveBeenSent).toEqualTypeOf<boolean>();
        }
      }
      expectTypeOf(push.send).returns.resolves.toEqualTypeOf<{ readonly messageId: string }>();
    });
  });

  it('isPushError narrows, and the error carries its context', () => {
    const value: unknown = undefined;
    if (isPushError(value)) {
      expectTypeOf(value).toEqualTypeOf<PushError>();
      expectTypeOf(value.status).toEqualTypeOf<number | undefined>();
      expectTypeOf(value.name).toEqualTypeOf<'PushError'>();
    }
  });
});
