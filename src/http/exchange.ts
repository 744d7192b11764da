import type { ResourceInput } from '../options/types.js';
import type { ScopeInput } from '../scope.js';
import type { AccessToken } from '../token/access-token.js';
import type { ReplayableRequest } from './replayable-body.js';

/** A scope (and resource indicators) with its cache key, as the client memoizes them. */
export interface ScopeEntry {
  readonly scope: readonly string[];
  /** RFC 8707 resource indicators, sorted unique. */
  readonly resource: readonly string[];
  readonly key: string;
}

/** What the authorized fetch needs from the client's token side. */
export interface TokenSource {
  /**
   * The entry for a caller's scope and resource (validated, normalized, memoized); `undefined` →
   * the client's default.
   */
  entry(scope: ScopeInput | undefined, resource?: ResourceInput | undefined): ScopeEntry;
  /** The entry for an already normalized scope and resource. */
  entryFor(scope: readonly string[], resource: readonly string[]): ScopeEntry;
  /** A token for the entry (cache, single-flight, refresh). */
  get(entry: ScopeEntry, signal: AbortSignal | undefined): Promise<AccessToken>;
  /** The cached, valid token for the entry without a promise, if the store can tell at once. */
  peek(entry: ScopeEntry): AccessToken | undefined;
  /** Compare-and-invalidate. */
  invalidate(token: AccessToken): Promise<boolean>;
}

/** A request URL with what the client decided about it. */
export interface Target {
  readonly url: URL;
  /** Origin + path: the key of learned scopes and recovery budgets. */
  readonly resource: string;
  /** Whether the token may go there. */
  readonly allowed: boolean;
}

/** One `client.fetch` call as it goes through sends, redirects and replays. */
export interface Exchange {
  readonly prepared: ReplayableRequest;
  readonly input: RequestInfo | URL;
  readonly init: RequestInit | undefined;
  readonly target: Target;
  readonly signal: AbortSignal | undefined;
  /** The scope of the first send (resolved once the request is prepared). */
  entry: ScopeEntry;
  /** The token of the first send. */
  token: AccessToken | undefined;
}
