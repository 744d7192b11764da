import { describe, expect, it } from 'vitest';
import { CliFailure, UsageError } from '../../src/cli/errors.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import {
  ClientClosedError,
  ConfigurationError,
  InsufficientScopeError,
  NetworkError,
  TimeoutError,
  TokenRequestError,
  TokenResponseError,
} from '../../src/index.js';
import {
  AdminConflictError,
  AdminError,
  IntrospectionError,
  InvalidInputError,
  PushError,
} from '../../src/mobilefirst/index.js';

const url = 'https://mfp.example.com/x';
const refused = new TokenRequestError('refused', { status: 400, error: 'invalid_client' });
const network = new NetworkError(url, new Error('connect ECONNREFUSED'));
const push = (reason: 'status' | 'network' | 'timeout' | 'response', status?: number) =>
  new PushError('push failed', { operation: 'send', reason, url, mayHaveBeenSent: false, status });

describe('exit codes of the errors a command throws', () => {
  it.each([
    ['a usage error', new UsageError('bad'), 2],
    ['a failure found by the CLI', new CliFailure('no such client'), 1],
    ['a failure with its own code', new CliFailure('unreachable', 4), 4],
    ['a ConfigurationError (a bad flag value)', new ConfigurationError('serverUrl', 'bad'), 2],
    ['an InvalidInputError (a bad notification)', new InvalidInputError('message.alert', 'bad'), 2],
    ['invalid_client', refused, 3],
    [
      'an OAuth error on a 5xx',
      new TokenRequestError('x', { status: 503, error: 'temporarily_unavailable' }),
      3,
    ],
    ['a 401 without an OAuth error', new TokenRequestError('x', { status: 401 }), 3],
    ['a 403 without an OAuth error', new TokenRequestError('x', { status: 403 }), 3],
    ['a 503 that outlasted the retries', new TokenRequestError('x', { status: 503 }), 1],
    ['a 429 that outlasted the retries', new TokenRequestError('x', { status: 429 }), 1],
    ['a 404 (wrong runtime or URL)', new TokenRequestError('x', { status: 404 }), 1],
    [
      'a TokenResponseError (an unusable answer)',
      new TokenResponseError('body', 'bad', { status: 200 }),
      1,
    ],
    ['a NetworkError', network, 4],
    ['a TimeoutError', new TimeoutError(url, 10), 4],
    [
      'an InsufficientScopeError',
      new InsufficientScopeError({
        requiredScope: ['a'],
        requestedScope: ['a'],
        resource: url,
        cause: refused,
      }),
      3,
    ],
    ['a ClientClosedError', new ClientClosedError(), 1],
    ['a push refused with 400', push('status', 400), 1],
    ['a push refused with 401', push('status', 401), 3],
    ['a push refused with 403', push('status', 403), 3],
    ['a push that got a 500', push('status', 500), 1],
    ['a push with no answer', push('network'), 4],
    ['a push that timed out', push('timeout'), 4],
    ['a push answer that cannot be read', push('response', 202), 1],
    ['admin credentials refused', new AdminError('x', { kind: 'http', status: 401 }), 3],
    ['an admin role refused', new AdminError('x', { kind: 'http', status: 403 }), 3],
    ['an admin 500', new AdminError('x', { kind: 'http', status: 500 }), 1],
    ['an admin network failure', new AdminError('x', { kind: 'network' }), 4],
    ['an admin timeout', new AdminError('x', { kind: 'timeout' }), 4],
    ['a failed admin transaction', new AdminError('x', { kind: 'transaction-failed' }), 1],
    ['an admin write conflict', new AdminConflictError('upsert', 'x', ['y'], 3), 1],
    [
      'introspection: the validator token refused',
      new IntrospectionError('token', url, 'x', { cause: refused }),
      3,
    ],
    [
      'introspection: the token endpoint unreachable',
      new IntrospectionError('token', url, 'x', { cause: network }),
      4,
    ],
    [
      'introspection: its token rejected twice',
      new IntrospectionError('rejected', url, 'x', { status: 403 }),
      3,
    ],
    ['introspection: no answer', new IntrospectionError('unreachable', url, 'x'), 4],
    ['introspection: a 500', new IntrospectionError('status', url, 'x', { status: 500 }), 1],
    ['introspection: a malformed answer', new IntrospectionError('malformed', url, 'x'), 1],
    ['anything else', new Error('bug'), 1],
  ])('%s → %i', (_what, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});
