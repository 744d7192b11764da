/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`.
 *
 * @param text - Any text about to leave the library (message, log line).
 * @param secrets - Strings that must not appear.
 * @returns The text without them.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}
