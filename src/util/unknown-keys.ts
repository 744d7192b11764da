/**
 * The first own key of `value` that is not in `known`, with the nearest known key as a
 * suggestion: options objects reject typos (`refreh`, `clientSecrett`) instead of silently
 * ignoring them.
 *
 * @param value - An options object the caller passed.
 * @param known - Every key the object may hold.
 * @returns The unknown key and a suggestion (`undefined` when nothing is close), or `undefined`
 *   when every key is known.
 */
export function findUnknownKey(
  value: object,
  known: ReadonlySet<string>,
): { key: string; suggestion: string | undefined } | undefined {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) return { key, suggestion: closest(key, known) };
  }
  return undefined;
}

/**
 * How an unknown key is described in an error message: `"refreh" is not an option (did you mean
 * "refresh"?)`.
 *
 * @param key - The unknown key.
 * @param suggestion - The nearest known key, if any.
 * @returns The phrase.
 */
export function describeUnknownKey(key: string, suggestion: string | undefined): string {
  const name = JSON.stringify(shortKey(key));
  return `${name} is not a known option${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
}

/**
 * A key as an error message shows it: cut at 40 characters.
 *
 * @param key - The key.
 * @returns It, or its first 40 characters and `…`.
 */
export function shortKey(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

/**
 * The candidate nearest to `name` by edit distance (case-insensitive, a transposition counts as
 * one edit), if it is within a third of the name's length (at least 1, at most 3 edits).
 *
 * A dozen lines, rather than a dependency: it runs only on the error path of option checks.
 */
function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
