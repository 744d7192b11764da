import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../src/util/loopback.js';

describe('isLoopbackHost: one check for URL hostnames and bare listen hosts', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::0:1', true],
    ['::ffff:127.0.0.1', true],
    [new URL('http://[::ffff:127.0.0.1]/').hostname, true],
    ['127.256.0.1', false],
    ['::', false],
    ['0.0.0.0', false],
    ['192.168.1.2', false],
    ['example.com', false],
    ['localhost.example.com', false],
    ['::2', false],
    ['1::1', false],
    ['::ffff:10.0.0.1', false],
    [new URL('http://[::ffff:10.0.0.1]/').hostname, false],
  ] as const)('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
