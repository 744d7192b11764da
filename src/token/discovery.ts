/**
 * `Discovery`: reads an issuer's metadata once, lazily, with one request under way however many
 * callers wait, and holds failures back like failed token requests.
 *
 * @module
 */
import { DiscoveryError } from '../errors/discovery-error.js';
import { cancelBody } from '../util/cancel-body.js';
import { onAbort } from '../util/on-abort.js';
import { readBodyText, TOO_LARGE } from '../util/read-body-text.js';
import { parseServerMetadata, type ServerMetadata, wellKnownUrls } from './server-metadata.js';

const TIMED_OUT = Symbol('timed out');

/** What discovery is configured with (resolved and checked). */
export interface DiscoveryConfig {
  readonly issuer: string;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Per well-known URL, ms. */
  readonly timeout: number;
  /** The most bytes read of a document. */
  readonly maxBytes: number;
  readonly allowInsecureHttp: boolean;
  /** The first hold after a failure, ms (doubled per failure in a row); 0: none. */
  readonly cooldown: number;
  readonly maxCooldown: number;
}

/**
 * The metadata of one issuer (RFC 8414, falling back to OpenID Connect Discovery), read on first
 * use. After a failure, calls fail at once with the same error for `cooldown` ms, doubled per
 * failure in a row up to `maxCooldown`: a server that has no metadata is not asked on every call.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export class Discovery {
  readonly #config: DiscoveryConfig;
  #metadata: ServerMetadata | undefined;
  #inflight: Promise<ServerMetadata> | undefined;
  #failure: { error: unknown; until: number } | undefined;
  #failures = 0;

  /**
   * @param config - Issuer, fetch and limits.
   * @param metadata - Metadata known already (the `metadata` option): nothing is requested.
   */
  constructor(config: DiscoveryConfig, metadata?: ServerMetadata) {
    this.#config = config;
    this.#metadata = metadata;
  }

  /** The metadata, once read. */
  get current(): ServerMetadata | undefined {
    return this.#metadata;
  }

  /**
   * The metadata: known, or read now (joining a read under way).
   *
   * @param signal - Aborts the read (the client's `close()`); shared by every caller.
   * @returns The metadata.
   * @throws {DiscoveryError} No usable document; also during the hold after a failure.
   */
  get(signal: AbortSignal): Promise<ServerMetadata> {
    if (this.#metadata !== undefined) return Promise.resolve(this.#metadata);
    if (this.#inflight !== undefined) return this.#inflight;
    const failure = this.#failure;
    if (failure !== undefined && this.#config.now() < failure.until) {
      return Promise.reject(failure.error);
    }
    const read = this.#read(signal).then(
      (metadata) => {
        this.#metadata = metadata;
        this.#failure = undefined;
        this.#failures = 0;
        return metadata;
      },
      (error: unknown) => {
        if (!signal.aborted) {
          this.#failures++;
          const { cooldown, maxCooldown, now } = this.#config;
          const hold = Math.min(maxCooldown, cooldown * 2 ** (this.#failures - 1));
          this.#failure = { error, until: now() + hold };
        }
        throw error;
      },
    );
    this.#inflight = read;
    read
      .finally(() => {
        this.#inflight = undefined;
      })
      .catch(() => undefined);
    return read;
  }

  async #read(signal: AbortSignal): Promise<ServerMetadata> {
    const { issuer } = this.#config;
    const urls = wellKnownUrls(issuer);
    let last: { url: string; status: number } | undefined;
    for (const url of urls) {
      const response = await this.#fetch(url, signal);
      if (response.status < 200 || response.status > 299) {
        // Not there (RFC 8414 servers that are not OpenID providers, and the other way round):
        // try the next well-known URL.
        cancelBody(response);
        last = { url, status: response.status };
        continue;
      }
      return this.#parse(response, url, signal);
    }
    throw new DiscoveryError(
      'status',
      `no metadata for issuer ${issuer}: ${urls.join(' and ')} answered ${last?.status}. Check the issuer option, or pass the server's metadata (or tokenUrl) instead.`,
      { issuer, url: last?.url ?? urls[1], status: last?.status },
    );
  }

  async #fetch(url: string, signal: AbortSignal): Promise<Response> {
    const { issuer, timeout } = this.#config;
    const controller = new AbortController();
    const unsubscribe = onAbort(signal, (reason) => controller.abort(reason));
    const timer = setTimeout(() => controller.abort(TIMED_OUT), timeout);
    (timer as { unref?: () => void }).unref?.();
    try {
      return await this.#config.fetch(url, {
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const timedOut = controller.signal.reason === TIMED_OUT;
      throw new DiscoveryError(
        'network',
        timedOut
          ? `the metadata at ${url} did not answer within ${timeout} ms (timeout).`
          : `could not reach ${url} to read the issuer's metadata: ${error instanceof Error ? error.message : String(error)}.`,
        { issuer, url, cause: error },
      );
    } finally {
      clearTimeout(timer);
      unsubscribe();
    }
  }

  async #parse(response: Response, url: string, signal: AbortSignal): Promise<ServerMetadata> {
    const { issuer, maxBytes, allowInsecureHttp } = this.#config;
    const { status } = response;
    let text: string | typeof TOO_LARGE;
    try {
      text = await readBodyText(response, maxBytes);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new DiscoveryError('network', `the metadata at ${url} broke off while being read.`, {
        issuer,
        url,
        status,
        cause: error,
      });
    }
    if (text === TOO_LARGE) {
      throw new DiscoveryError(
        'body',
        `the metadata at ${url} is larger than ${maxBytes} bytes; a metadata document is a few KB, so check the issuer option.`,
        { issuer, url, status },
      );
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      const type = response.headers.get('content-type') ?? 'no content type';
      throw new DiscoveryError(
        'body',
        `the metadata at ${url} is not JSON (${type}); check the issuer option, or a proxy in between.`,
        { issuer, url, status },
      );
    }
    return parseServerMetadata(document, { issuer, url, allowInsecureHttp });
  }
}
