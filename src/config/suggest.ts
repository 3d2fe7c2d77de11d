/**
 * "Did you mean …?" for config keys and kind names: the candidate nearest by edit distance.
 */

/** Levenshtein distance (insertions, deletions and substitutions each cost 1), in UTF-16 units. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * The candidate nearest to `word`, or undefined when none is close enough to be a plausible typo.
 *
 * Distances are measured case-insensitively (`recordevery` → `recordEvery` is distance 0), with the
 * case-sensitive distance breaking ties, then the candidates' order. A candidate qualifies when its
 * distance is at most max(2, ⌊len/3⌋) (len = the word's length) and smaller than the longer of the
 * two strings — so a 2-letter word is never "corrected" into an unrelated 2-letter key.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const lw = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  let bestExact = Infinity;
  for (const c of candidates) {
    const d = levenshtein(lw, c.toLowerCase());
    if (d > limit || d >= Math.max(word.length, c.length)) continue;
    const exact = levenshtein(word, c);
    if (d < bestD || (d === bestD && exact < bestExact)) {
      best = c;
      bestD = d;
      bestExact = exact;
    }
  }
  return best;
}
