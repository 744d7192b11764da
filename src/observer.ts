import type { Hooks } from './hooks.js';
import type { Logger } from './logger.js';
import { redact } from './util/redact.js';

/** Counters of what a client has done since it was created. */
export interface ClientStats {
  /** HTTP requests sent to the token endpoint, retries included. */
  tokenRequests: number;
  /** Token requests that were retries. */
  retries: number;
  /** `getToken` calls answered from the cache. */
  cacheHits: number;
  /** `getToken` calls that had to wait for the token endpoint (or joined a request under way). */
  cacheMisses: number;
  /** Background refreshes started (token still valid, renewed ahead of expiry). */
  refreshes: number;
  /** Token acquisitions that failed for good (background ones included). */
  failures: number;
  /** `client.fetch` requests replayed with a new token after a `401`. */
  reauthentications: number;
  /** `client.fetch` requests replayed with a wider scope after a `403 insufficient_scope`. */
  stepUps: number;
  /** Replayed requests that were rejected again (returned to the caller as they were). */
  rejectedAfterReplay: number;
  /**
   * Calls that needed a new token and failed at once, without a token request: the server's
   * `Retry-After` had not passed, or the scope was cooling down after a failure.
   */
  throttled: number;
}

/** The most keys {@link Observer.warnOnce} remembers. */
const MAX_WARNED = 1_000;

/** @internal Stats, logging and hooks in one place, each guarded so none can break a request. */
export class Observer {
  readonly stats: ClientStats = {
    tokenRequests: 0,
    retries: 0,
    cacheHits: 0,
    cacheMisses: 0,
    refreshes: 0,
    failures: 0,
    reauthentications: 0,
    stepUps: 0,
    rejectedAfterReplay: 0,
    throttled: 0,
  };
  readonly #logger: Logger | undefined;
  /** The hooks of each name, in the order the `hooks` option lists them. */
  readonly #hooks: { [K in keyof Hooks]?: Array<NonNullable<Hooks[K]>> } = {};
  readonly #secrets: readonly string[];
  readonly #warned = new Set<string>();

  /**
   * @param logger - Where lines go, if anywhere.
   * @param hooks - The user's callbacks, one or more sets.
   * @param secrets - Strings that must never reach a log line (the client secret); read live, as
   *   secrets read from a `clientSecret` function are added to it.
   */
  constructor(logger: Logger | undefined, hooks: readonly Hooks[], secrets: readonly string[]) {
    this.#logger = logger;
    const byName = this.#hooks as Record<string, Array<(event: unknown) => void>>;
    for (const set of hooks) {
      for (const [name, hook] of Object.entries(set)) {
        if (typeof hook !== 'function') continue;
        byName[name] ??= [];
        byName[name].push(hook);
      }
    }
    this.#secrets = secrets;
  }

  /** Whether a logger is set (to skip building details nobody reads). */
  get logging(): boolean {
    return this.#logger !== undefined;
  }

  log(level: keyof Logger, message: string, details?: Record<string, unknown>): void {
    if (this.#logger === undefined) return;
    try {
      this.#logger[level](`confidential-client: ${redact(message, this.#secrets)}`, details);
    } catch {
      // A broken logger must not break token requests.
    }
  }

  /**
   * Logs a warning once per `key` (one line per origin or resource, not per request); at most
   * 1,000 keys are remembered.
   *
   * @param key - What the warning is about.
   * @param message - The warning.
   */
  warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    if (this.#warned.size >= MAX_WARNED) this.#warned.clear();
    this.#warned.add(key);
    this.log('warn', message);
  }

  /**
   * @param key - What a warning would be about.
   * @returns Whether {@link warnOnce} already warned about it.
   */
  warned(key: string): boolean {
    return this.#warned.has(key);
  }

  /**
   * Whether any hook of this name is set: hot paths ask first, so that nobody listening costs
   * them no event object.
   *
   * @param name - The hook.
   * @returns Whether {@link hook} would call anything.
   */
  listens(name: keyof Hooks): boolean {
    return this.#hooks[name] !== undefined;
  }

  hook<K extends keyof Hooks>(name: K, event: Parameters<NonNullable<Hooks[K]>>[0]): void {
    const hooks = this.#hooks[name] as Array<(event: unknown) => void> | undefined;
    if (hooks === undefined) return;
    for (const hook of hooks) {
      try {
        hook(event);
      } catch (error) {
        this.log('warn', `the ${name} hook threw; ignored.`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
}
