import { inspect } from 'node:util';
import {
  AccessToken,
  type ConfidentialClient,
  type Hooks,
  isConfidentialClientError,
  type Logger,
} from '../../src/index.js';
import { CLIENT_ID, CLIENT_SECRET, opaqueToken, tokenResponse } from '../helpers/token-server.js';

/** What a row of a fault matrix expects: the outcome and the requests it cost. */
export interface Expected {
  /**
   * `token` (getToken resolved), `status N` (client.fetch resolved with that status), or the name
   * of the error it rejected with, with the field of a TokenResponseError: `TokenResponseError(scope)`.
   */
  outcome: string;
  /** HTTP requests to the token endpoint. */
  tokenRequests: number;
  /** HTTP requests to the resource (client.fetch rows). */
  resourceRequests?: number;
}

/** The one-word outcome of a settled call, as {@link Expected.outcome} spells it. */
export function outcomeOf(settled: { value?: unknown; error?: unknown }): string {
  if (!('error' in settled)) {
    const { value } = settled;
    if (value instanceof AccessToken) return 'token';
    if (value instanceof Response) return `status ${value.status}`;
    return typeof value;
  }
  const { error } = settled;
  if (isConfidentialClientError(error)) {
    const field = (error as { field?: unknown }).field;
    return typeof field === 'string' ? `${error.name}(${field})` : error.name;
  }
  return error instanceof Error ? error.name : typeof error;
}

/**
 * Everything a run showed the outside: log lines with their details, every hook event, and the
 * caller's result or error in every form a user may print (message, String, stack, cause chain,
 * util.inspect, JSON.stringify). Tokens handed out by {@link issue} are remembered to be looked for.
 */
export class Recorder {
  readonly output: string[] = [];
  /** Every token and credential that must never show in {@link output}. */
  readonly secrets: string[] = [
    CLIENT_SECRET,
    Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
    Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString(
      'base64',
    ),
  ];

  record(...values: unknown[]): void {
    for (const value of values) {
      if (typeof value === 'string') {
        this.output.push(value);
        continue;
      }
      this.output.push(inspect(value, { depth: 8 }));
      try {
        this.output.push(JSON.stringify(value) ?? '');
      } catch {
        // inspect covers what JSON cannot.
      }
      if (value instanceof Error) {
        this.output.push(String(value), value.stack ?? '');
        if (value.cause !== undefined) this.record(value.cause);
      }
    }
  }

  /** A logger that records every line. */
  readonly logger: Logger = {
    debug: (message, details) => this.record(message, details),
    info: (message, details) => this.record(message, details),
    warn: (message, details) => this.record(message, details),
    error: (message, details) => this.record(message, details),
  };

  /** Hooks that record every event of every kind. */
  readonly hooks: Required<Hooks> = {
    onTokenRequest: (event) => this.record(event),
    onTokenResponse: (event) => this.record(event),
    onCacheLookup: (event) => this.record(event),
    onRefresh: (event) => this.record(event),
    onReauthentication: (event) => this.record(event),
    onStepUp: (event) => this.record(event),
    onToken: (event) => this.record(event),
    onRetry: (event) => this.record(event),
    onError: (event) => this.record(event),
  };

  /** A token remembered as a secret (`accessToken` given, or a fresh marked one). */
  token(accessToken = opaqueToken()): string {
    this.secrets.push(accessToken);
    return accessToken;
  }

  /** A good token response whose token is remembered. */
  issue(init: Parameters<typeof tokenResponse>[0] = {}, responseInit?: ResponseInit): Response {
    return tokenResponse({ ...init, accessToken: this.token(init.accessToken) }, responseInit);
  }

  /** Records what the client and the call showed, and returns the secrets found in all of it. */
  leaks(client: ConfidentialClient, settled: { value?: unknown; error?: unknown }): string[] {
    this.record(client, client.stats(), client.toJSON());
    if ('error' in settled) this.record(settled.error);
    else if (!(settled.value instanceof Response)) this.record(settled.value);
    const all = this.output.join('\n');
    const found = this.secrets.filter((secret) => all.includes(secret));
    // Every token of the test token server carries this marker (opaqueToken()).
    if (all.includes('LEAKCHECK')) found.push('a token marked LEAKCHECK');
    return found;
  }
}

/** Settles `promise` into `{ value }` or `{ error }`. */
export function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
