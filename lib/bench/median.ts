// The median the benchmarks report (lib/bench, the CLI's bench command, benchmarks/): the middle
// value, or the mean of the two middle values of an even count.
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
