/**
 * The list of registered confidential clients, with MobileFirst's predefined ones.
 *
 * @module
 */

import { safeEqual } from './http-util.js';
import type { ConfidentialClientRegistration, ResolvedEmulatorOptions } from './options.js';

/**
 * The initial client list: `test` (development only), `admin` and `push` (unless turned off),
 * then the caller's clients, which win over a predefined client with the same ID.
 *
 * @param options - Resolved emulator options.
 * @returns The clients.
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/#predefined-confidential-clients
 * @internal
 */
export function initialClients(options: ResolvedEmulatorOptions): ConfidentialClientRegistration[] {
  const predefined: ConfidentialClientRegistration[] = [];
  if (options.mode === 'development') {
    predefined.push({ id: 'test', displayName: 'test', secret: 'test', allowedScope: '*' });
  }
  for (const internal of [options.adminClient, options.pushClient]) {
    if (internal) predefined.push({ ...internal, displayName: internal.id, allowedScope: '*' });
  }
  const own = new Set(options.clients.map((client) => client.id));
  return [...predefined.filter((client) => !own.has(client.id)), ...options.clients];
}

/**
 * The registered confidential clients. The admin REST API and
 * {@link MobileFirstEmulator.setClients} replace the whole list, as MobileFirst's PUT does.
 *
 * @internal
 */
export class ClientRegistry {
  #clients: ConfidentialClientRegistration[];

  constructor(clients: readonly ConfidentialClientRegistration[]) {
    this.#clients = [...clients];
  }

  /** A copy of the list. */
  list(): ConfidentialClientRegistration[] {
    return this.#clients.map((client) => ({ ...client }));
  }

  /** Replaces the whole list (already validated). */
  replace(clients: readonly ConfidentialClientRegistration[]): void {
    this.#clients = [...clients];
  }

  /** Adds a client, or replaces the one with the same ID (already validated). */
  upsert(client: ConfidentialClientRegistration): void {
    const index = this.#clients.findIndex((existing) => existing.id === client.id);
    if (index === -1) this.#clients.push(client);
    else this.#clients[index] = client;
  }

  /**
   * Authenticates a client. RFC 6749 §2.3.1 says the ID and secret are form-urlencoded before
   * Basic encoding while IBM's clients send them raw, so both spellings are accepted from the
   * Basic header. Credentials from the form body were decoded with the form already: decoding
   * them again would accept a secret that was never sent.
   *
   * @param id - Client ID as sent (decoded from Base64, or from the form).
   * @param secret - Secret as sent.
   * @param source - Where the credentials came from.
   * @returns The client, or `undefined` if the ID is unknown or the secret wrong.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
   */
  authenticate(
    id: string,
    secret: string,
    source: 'basic' | 'form',
  ): ConfidentialClientRegistration | undefined {
    const raw = this.#match(id, secret);
    if (raw || source === 'form') return raw;
    const decodedId = formDecode(id);
    const decodedSecret = formDecode(secret);
    if (decodedId === undefined || decodedSecret === undefined) return undefined;
    return this.#match(decodedId, decodedSecret);
  }

  #match(id: string, secret: string): ConfidentialClientRegistration | undefined {
    const client = this.#clients.find((candidate) => candidate.id === id);
    return client && safeEqual(client.secret, secret) ? client : undefined;
  }
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
