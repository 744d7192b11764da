import { describe, expect, it } from 'vitest';
import { requestToken, transports, useEmulator } from '../helpers/emulator-harness.js';

// [allowed scope, requested scope, granted?]
const table: [string, string, boolean][] = [
  ['send*', 'sendMessage', true],
  ['send*', 'send', true],
  ['send*', 'resend', false],
  ['*Message', 'sendMessage', true],
  ['*Message', 'sendMessages', false],
  ['s*d*e', 'sendMessage', true],
  ['s*d*e', 'sendMessagex', false],
  ['a**b', 'ab', true],
  ['push.application.*', 'push.application.com.acme.app', true],
  ['push.application.*', 'push.applicationX', false],
  ['push.application.* messages.write', 'messages.write push.application.app', true],
  ['push.application.*', 'messages.write push.application.app', false],
  ['*', 'anything at.all', true],
  ['accessRestricted', 'accessrestricted', false],
  ['accessRestricted', 'accessRestricted', true],
  ['', 'accessRestricted', false],
  ['', 'RegisteredClient', true],
  ['x', 'RegisteredClient x', true],
];

describe.each(transports)(
  'allowed-scope wildcards through the token endpoint over %s',
  (transport) => {
    const h = useEmulator(transport);

    it.each(table)('allowed "%s", requested "%s" → %s', async (allowedScope, scope, granted) => {
      h.emulator.registerClient({ id: 'c', secret: 's', allowedScope });
      const res = await requestToken(h, { id: 'c', secret: 's', scope });
      expect(res.status).toBe(granted ? 200 : 400);
      const body = await res.json();
      if (granted) expect(body.scope.split(' ').sort()).toEqual(scope.split(' ').sort());
      else expect(body.error).toBe('invalid_scope');
    });
  },
);
