/**
 * "Did you mean …?" for a misspelled setting, option or script name: the
 * one candidate closest to what was typed, when it is close enough to be a
 * typo (a few letters added, missing, changed or swapped) and no other
 * candidate is as close. Only asked after a word was refused: it scans the
 * candidates, a few thousand at most.
 */

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, or `limit + 1` once more than `limit` are needed. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  // Three rows of the Damerau-Levenshtein table (optimal string alignment).
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let best = row[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length]!;
}

/** The candidate `word` is most likely a typo of, or null: within 2 edits (1 for words of 4 letters or fewer), and closer than every other candidate. */
export function closestName(word: string, candidates: Iterable<string>): string | null {
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  let tie = false;
  for (const c of candidates) {
    if (c === word) continue;
    // Case alone is one edit at most: "tcp_syn_timeout" for "tcp_SYN_timeout".
    const d = c.toLowerCase() === word.toLowerCase() ? 1 : editDistance(word, c, limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && d <= limit) tie = true;
  }
  return tie ? null : best;
}

/** "did you mean NAME? " for the message about `word`, or "" when no candidate is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const name = closestName(word, candidates);
  return name === null ? "" : `did you mean ${name}? `;
}
