/**
 * Where the client writes what it does. `console` fits, and so do pino, winston and bunyan loggers.
 * No line ever holds a client secret or a whole token.
 */
export interface Logger {
  /** Detail for debugging: each token request, renewal and replay. */
  debug(message: string, details?: Record<string, unknown>): void;
  /** Events worth keeping in a normal log. */
  info(message: string, details?: Record<string, unknown>): void;
  /** Something went wrong and the client recovered (a retry, a fallback). */
  warn(message: string, details?: Record<string, unknown>): void;
  /** Something went wrong that the caller sees. */
  error(message: string, details?: Record<string, unknown>): void;
}
