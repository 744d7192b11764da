import type { Logger } from 'confidential-client';

/** Writes one line of the store's log; never throws. */
export type StoreLog = (
  level: keyof Logger,
  message: string,
  details?: Record<string, unknown>,
) => void;

/**
 * The store's log: lines go to `logger` (if any) prefixed with `confidential-client/redis:`. A
 * logger that throws is ignored: it must not break a token lookup. Callers never pass a token,
 * a key or a Redis value in a line; notifications and values are named by hashes.
 *
 * @param logger - Where lines go, if anywhere.
 * @returns The log function.
 */
export function storeLog(logger: Logger | undefined): StoreLog {
  if (logger === undefined) return () => {};
  return (level, message, details) => {
    try {
      logger[level](`confidential-client/redis: ${message}`, details);
    } catch {
      // A broken logger must not break the store.
    }
  };
}
