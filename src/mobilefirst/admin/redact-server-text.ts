import { redact } from '../../util/redact.js';

/** The most characters of a server's text an error message quotes. */
const QUOTED = 300;

/**
 * A server's text (an error body, a transaction's `details`) made safe to put in an error: every
 * known secret, as written and JSON-escaped, becomes `[redacted]`, whitespace is collapsed and the
 * text is cut at 300 characters. `redact` leaves secrets shorter than 4 characters alone (they
 * would match everywhere), so a text in which such a secret still occurs is not quoted at all.
 *
 * @param text - What the server sent.
 * @param secrets - The administrator password and every client secret the call has seen.
 * @returns The safe text, or `undefined` when it cannot be quoted safely or is empty.
 * @internal
 */
export function redactServerText(text: string, secrets: readonly string[]): string | undefined {
  const forms = secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  // Longest first, so that a secret that contains another is scrubbed whole.
  const scrubbed = redact(
    text,
    [...new Set(forms)].sort((a, b) => b.length - a.length),
  );
  if (forms.some((secret) => secret !== '' && secret.length < 4 && scrubbed.includes(secret))) {
    return undefined;
  }
  const flat = scrubbed.replace(/\s+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length > QUOTED ? `${flat.slice(0, QUOTED)}…` : flat;
}
