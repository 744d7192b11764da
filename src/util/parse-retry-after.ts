/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP-date.
 *
 * @param value - The header value, or null.
 * @param now - The current time in epoch ms (for HTTP-dates).
 * @returns The delay in ms (0 for a date in the past), or `undefined` if absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date always names a weekday and GMT; Date.parse alone accepts far too much.
  if (
    !/^[A-Za-z]{3},? .*GMT$/.test(text) &&
    !/^[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} .*GMT$/.test(text)
  ) {
    return undefined;
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
