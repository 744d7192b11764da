import { isLoopbackHost } from '../util/loopback.js';

/**
 * Which origins `client.fetch` sends the token to: a list of origins, or `'*'` for any `https:`
 * origin and loopback `http:` (and any `http:` with `allowInsecureHttp`).
 */
export class OriginPolicy {
  readonly #origins: ReadonlySet<string> | '*';
  readonly #allowInsecureHttp: boolean;

  /**
   * @param origins - Checked origins (`URL#origin` spelling), or `'*'`.
   * @param allowInsecureHttp - Whether `http:` beyond loopback is allowed.
   */
  constructor(origins: ReadonlySet<string> | '*', allowInsecureHttp: boolean) {
    this.#origins = origins;
    this.#allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * @param url - A request URL.
   * @returns Whether the token may be sent to its origin.
   */
  allows(url: URL): boolean {
    if (this.#origins !== '*') return this.#origins.has(url.origin);
    if (url.protocol === 'https:') return true;
    // With '*', plain http only where the token cannot be sniffed (or the user said so).
    return url.protocol === 'http:' && (this.#allowInsecureHttp || isLoopbackHost(url.hostname));
  }

  /**
   * What a user whose resource at `url` got no token should change, for a warning.
   *
   * @param url - A URL this policy does not allow.
   * @returns The current setting and the change, in a sentence.
   */
  advice(url: URL): string {
    const clear =
      url.protocol === 'http:' && !this.#allowInsecureHttp && !isLoopbackHost(url.hostname);
    const insecure = 'allowInsecureHttp: true (tokens then cross the network in clear)';
    if (this.#origins === '*') {
      return `origins: '*' covers https: origins and loopback http: only. If it is one of your resources, set ${insecure}`;
    }
    const list = [...this.#origins, url.origin].map((origin) => `'${origin}'`).join(', ');
    return `origins: ${[...this.#origins].join(', ')}. If it is one of your resources, add it to \`origins\`: origins: [${list}]${clear ? `, with ${insecure}` : ''}`;
  }
}
