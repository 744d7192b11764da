/**
 * The confidential-client list as the admin API sends and takes it, `{ clients: [{ id,
 * displayName, secret, allowedScope }] }` with `allowedScope` a space-separated string, and the
 * edits `upsert` and `remove` make to it. Fields this package does not know are kept as they are,
 * so that a `PUT` never drops what a newer server sent.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_get.html
 */

import { formatScope, normalizeScope } from 'confidential-client';
import { InvalidInputError } from '../invalid-input-error.js';
import { ConfidentialClientEntry } from './confidential-client-entry.js';
import type { EntryChange } from './validate-entry.js';

/** One client on the wire: `id` checked, every other field kept as the server sent it. @internal */
export type WireClient = Readonly<Record<string, unknown>> & { readonly id: string };

/** What an upsert did. */
export type UpsertAction = 'created' | 'updated' | 'unchanged';

/**
 * Reads the body of `GET …/confidentialclients`.
 *
 * @param json - The parsed body.
 * @returns The clients, or `undefined` if the body is not `{ clients: [{ id: string, … }] }`.
 * @internal
 */
export function parseClientList(json: unknown): WireClient[] | undefined {
  const clients = (json as { clients?: unknown } | null)?.clients;
  if (!Array.isArray(clients)) return undefined;
  const valid = clients.every(
    (client) =>
      typeof client === 'object' &&
      client !== null &&
      typeof (client as { id?: unknown }).id === 'string',
  );
  return valid ? (clients as WireClient[]) : undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * The domain form of a wire client.
 *
 * @param wire - As the server sent it.
 * @returns The entry (display name defaulting to the ID, as the console shows it).
 * @internal
 */
export function toEntry(wire: WireClient): ConfidentialClientEntry {
  return new ConfidentialClientEntry({
    id: wire.id,
    displayName: text(wire.displayName) ?? wire.id,
    secret: text(wire.secret) ?? '',
    allowedScope: normalizeScope(text(wire.allowedScope) ?? ''),
  });
}

/**
 * Every secret in a list, to scrub from error messages.
 *
 * @param list - Wire clients.
 * @returns Their secrets.
 * @internal
 */
export function secretsOf(list: readonly WireClient[]): string[] {
  return list.flatMap((client) => text(client.secret) ?? []);
}

/**
 * The list with a client added or changed in place; the fields the change leaves out, and the
 * fields this package does not know, are kept from the current client.
 *
 * @param list - The current list.
 * @param change - The checked client.
 * @returns The new list and what changed (`unchanged`: no write is needed).
 * @throws {InvalidInputError} If the client is new and no secret was given.
 * @internal
 */
export function upsertClient(
  list: readonly WireClient[],
  change: EntryChange,
): { list: WireClient[]; action: UpsertAction } {
  const index = list.findIndex((client) => client.id === change.id);
  const current = index === -1 ? undefined : list[index];
  const secret = change.secret ?? text(current?.secret);
  if (secret === undefined) {
    throw new InvalidInputError(
      'client.secret',
      `is required: no client ${JSON.stringify(change.id)} is registered yet.`,
    );
  }
  const wire: WireClient = {
    ...current,
    id: change.id,
    displayName: change.displayName ?? text(current?.displayName) ?? change.id,
    secret,
    allowedScope: formatScope(change.allowedScope),
  };
  if (current === undefined) return { list: [...list, wire], action: 'created' };
  const unchanged =
    wire.displayName === (text(current.displayName) ?? current.id) &&
    wire.secret === current.secret &&
    wire.allowedScope === formatScope(normalizeScope(text(current.allowedScope) ?? ''));
  const next = [...list];
  next[index] = wire;
  return { list: next, action: unchanged ? 'unchanged' : 'updated' };
}

/**
 * The list without a client.
 *
 * @param list - The current list.
 * @param id - The client to remove.
 * @returns The new list, or `undefined` if no client has that ID.
 * @internal
 */
export function removeClient(list: readonly WireClient[], id: string): WireClient[] | undefined {
  const next = list.filter((client) => client.id !== id);
  return next.length === list.length ? undefined : next;
}

/**
 * How two reads of the list differ.
 *
 * @param before - The first read.
 * @param after - The second read.
 * @returns `same` when the lists are equal field for field and in order; the IDs added, removed
 *   or changed otherwise.
 * @internal
 */
export function compareLists(
  before: readonly WireClient[],
  after: readonly WireClient[],
): { same: boolean; changedIds: string[] } {
  const a = before.map(canonical);
  const b = after.map(canonical);
  if (a.length === b.length && a.every((client, i) => client === b[i])) {
    return { same: true, changedIds: [] };
  }
  const byId = (list: readonly WireClient[], forms: string[]) =>
    new Map(list.map((client, i) => [client.id, forms[i]]));
  const first = byId(before, a);
  const second = byId(after, b);
  const ids = new Set([...first.keys(), ...second.keys()]);
  return { same: false, changedIds: [...ids].filter((id) => first.get(id) !== second.get(id)) };
}

/** JSON with object keys sorted, so that key order does not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
