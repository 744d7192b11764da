/**
 * Where the client writes what it does. `console` fits, and so do pino, winston and bunyan loggers.
 * No line ever holds a client secret or a whole token.
 */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}
