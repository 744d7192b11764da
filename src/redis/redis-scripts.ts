/**
 * The Lua scripts of {@link RedisTokenStore}: each runs atomically in Redis, so that no other
 * process can act between its reads and its writes. Every script that touches a token and its
 * lock names both in `KEYS` (one hash slot: see key-names.ts), and every write publishes its
 * notification from inside the script, so a message never announces what is not stored yet.
 *
 * Values start with `cc1.<fingerprint>.` (token-codec.ts): a prefix compare identifies a token
 * without decrypting it.
 */

/**
 * Claims the acquisition of a token: returns a token that is not the caller's current one, or
 * takes the lock, or says for how long another holder keeps it.
 *
 * KEYS: token, lock. ARGV: prefix of the caller's current token (`''`: none), `'1'` to look
 * past any stored token, owner id, lock TTL in ms.
 * Reply: `['token', value]` | `['locked']` | `['held', pttl]`.
 */
export const CLAIM = `
if ARGV[2] ~= '1' then
  local value = redis.call('GET', KEYS[1])
  if value and (ARGV[1] == '' or string.sub(value, 1, #ARGV[1]) ~= ARGV[1]) then
    return {'token', value}
  end
end
if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then
  return {'locked'}
end
return {'held', tostring(redis.call('PTTL', KEYS[2]))}
`;

/**
 * Stores a token, releases the lock if the caller still holds it, and announces the token. A
 * holder that lost its lock (it expired during a long request, and another process took over)
 * does not overwrite a token stored meanwhile: that one is newer, or about to be replaced by the
 * new holder's.
 *
 * KEYS: token, lock. ARGV: value, TTL in ms, owner id (`''`: holds no lock), channel, message.
 * Reply: 1 if stored, 0 if not (the lock was lost and a token is stored).
 */
export const STORE = `
if ARGV[3] ~= '' then
  if redis.call('GET', KEYS[2]) == ARGV[3] then
    redis.call('DEL', KEYS[2])
  elseif redis.call('EXISTS', KEYS[1]) == 1 then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * Releases the lock if the caller still holds it (compare-and-delete), and announces it: the
 * holder's fetch failed, and waiters should try for themselves.
 *
 * KEYS: lock. ARGV: owner id, channel, message. Reply: 1 if released, 0 if not held.
 */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`;

/**
 * Extends the lock while its holder's request is under way, if the caller still holds it.
 *
 * KEYS: lock. ARGV: owner id, TTL in ms. Reply: 1 if extended, 0 if not held.
 */
export const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/**
 * Compare-and-delete of a token: deletes it only if it is still the given token (or any, with an
 * empty prefix), and announces the deletion.
 *
 * KEYS: token. ARGV: prefix of the token to delete (`''`: whatever is stored), channel, message.
 * Reply: 1 if deleted, 0 if not.
 */
export const DELETE = `
local value = redis.call('GET', KEYS[1])
if value and (ARGV[1] == '' or string.sub(value, 1, #ARGV[1]) == ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`;
