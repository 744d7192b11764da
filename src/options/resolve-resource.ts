import { ConfigurationError } from '../errors/configuration-error.js';

/** At most this many resource indicators per token request. */
const MAX_RESOURCES = 32;

/**
 * Checks RFC 8707 resource indicators (absolute URIs without a fragment) and sorts them, unique,
 * so that the same set gives the same cache key. Strings are kept as written; a `URL` is its
 * `href`.
 *
 * @param value - A URI, a `URL`, a list of them, or `undefined`.
 * @param option - The option's name, for errors (`resource`).
 * @returns The sorted unique URIs; `[]` for none.
 * @throws {ConfigurationError} Naming the option.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function resolveResource(value: unknown, option: string): readonly string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' || value instanceof URL ? [value] : value;
  if (!Array.isArray(list)) {
    throw new ConfigurationError(option, 'must be an absolute URI, a URL, or a list of them.');
  }
  if (list.length > MAX_RESOURCES) {
    throw new ConfigurationError(option, `holds more than ${MAX_RESOURCES} resource indicators.`);
  }
  const out = new Set<string>();
  for (const [i, item] of list.entries()) {
    const name = list === value ? `${option}[${i}]` : option;
    if (typeof item !== 'string' && !(item instanceof URL)) {
      throw new ConfigurationError(name, 'must be an absolute URI string or a URL.');
    }
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new ConfigurationError(
        name,
        'must be an absolute URI such as "https://api.example.com" (RFC 8707 §2).',
      );
    }
    if (url.hash !== '') {
      throw new ConfigurationError(name, 'must not have a #fragment (RFC 8707 §2).');
    }
    // Sent as given: servers compare indicators as strings ('https://api' is not 'https://api/').
    out.add(typeof item === 'string' ? item : url.href);
  }
  return Object.freeze([...out].sort());
}
