// RunningScale (SPEC §9.5, official common/scale.py): an EMA of the 5th–95th percentile range of
// the policy's Q values, floored at 1, that the policy objective divides by.
export class RunningScale {
  value = 1;
  readonly tau: number;

  constructor(tau: number) {
    this.tau = tau;
  }

  /** Percentile p of x (torch's linear interpolation between sorted neighbours, in float32). */
  static percentile(sorted: Float32Array, p: number): number {
    const n = sorted.length;
    const pos = Math.fround(Math.fround(p * (n - 1)) / 100);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    const wHi = Math.fround(pos - lo);
    const wLo = Math.fround(1 - wHi);
    return Math.fround(Math.fround(sorted[lo]! * wLo) + Math.fround(sorted[hi]! * wHi));
  }

  /** S ← S + τ·(max(P95 − P5, 1) − S) from a batch of values. */
  update(x: Float32Array): void {
    const sorted = Float32Array.from(x).sort();
    const range = Math.max(Math.fround(RunningScale.percentile(sorted, 95) - RunningScale.percentile(sorted, 5)), 1);
    this.value = Math.fround(this.value + Math.fround(this.tau * Math.fround(range - this.value)));
  }
}
