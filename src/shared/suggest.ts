// "Did you mean …?": the closest known word to a misspelt one (a site name, a key of the sites file),
// by edit distance with transpositions counted as one edit (optimal string alignment). Pure.

/** Insertions, deletions, substitutions and swaps of two neighbours, each one edit. Case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = [...a.toLowerCase()];
  const t = [...b.toLowerCase()];
  // rows[i][j]: distance between the first i characters of s and the first j of t
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = best;
    }
  }
  return rows[s.length]![t.length]!;
}

/** How many edits still read as a typo of a word this long: 1 up to 5 characters, then one per 3. */
const tolerance = (word: string): number => Math.max(1, Math.floor([...word].length / 3));

/**
 * The candidate `word` most likely misspells, or undefined when none is close enough: within
 * `maxEdits` edits when given (for long names that share most of their letters, such as the
 * `CachePurge-` documents), else the tolerance for the candidate's length. Ties go to the earlier
 * candidate; the word itself (ignoring case) is not a suggestion unless it differs in case.
 */
export function closestMatch(
  word: string,
  candidates: readonly string[],
  maxEdits?: number,
): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(word, candidate);
    if (distance > (maxEdits ?? tolerance(candidate))) continue;
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best?.candidate;
}
