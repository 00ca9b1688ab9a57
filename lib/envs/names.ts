/** Suggestions for mistyped task names. */

/** Levenshtein distance (insertions, deletions, substitutions all cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** DMC domain names that this package spells differently. */
const DOMAIN_ALIASES: Readonly<Record<string, string>> = { ball_in_cup: 'cup' };

/**
 * Known names close to `name`: within an edit distance of a third of its length (at least 2),
 * or sharing its domain (`cartpole-swing` suggests every cartpole task), nearest first.
 */
export function closeMatches(name: string, known: readonly string[], limit = 5): string[] {
  const query = name.toLowerCase();
  const [rawDomain = ''] = query.split('-');
  const domain = DOMAIN_ALIASES[rawDomain] ?? rawDomain;
  const threshold = Math.max(2, Math.floor(query.length / 3));
  return known
    .map((candidate) => ({ candidate, distance: editDistance(query, candidate) }))
    .filter(({ candidate, distance }) => distance <= threshold || candidate.split('-')[0] === domain)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
