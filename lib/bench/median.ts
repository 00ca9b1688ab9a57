// The median the benchmarks report (lib/bench, the CLI's bench command, benchmarks/): the middle
// value, or the mean of the two middle values of an even count.
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * The median over rounds of peer[r] / ours[r], where ours[r] and peer[r] are the two sides' times
 * in round r (each that round's median): ≥ 1 when ours is the faster. Pairing within a round
 * cancels the drift of the core's clock between rounds, which an unpaired ratio of the two sides'
 * medians over all rounds does not (docs/kernels.md, "Paired ratios against OpenBLAS").
 */
export function pairedRatio(peer: readonly number[], ours: readonly number[]): number {
  if (peer.length !== ours.length || ours.length === 0)
    throw new RangeError(`pairedRatio: peer has ${peer.length} rounds, ours ${ours.length}; need the same count, at least one`);
  return median(peer.map((t, r) => t / ours[r]!));
}
