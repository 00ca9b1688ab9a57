// expectClose: element-wise |actual − expected| ≤ atol + rtol·|expected| (llm.c's rule). Non-finite
// references are not skipped: NaN must meet NaN and ±Inf the same Inf, at the same positions.
// On failure the message gives the first mismatch, the max difference and the mismatch count.
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  /** Names the comparison in the failure message. */
  label?: string;
}

type Numeric = ArrayLike<number>;

export function compareClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): string | null {
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-5;
  const label = opts.label ? `${opts.label}: ` : '';
  if (actual.length !== expected.length)
    return `${label}length ${actual.length} != expected length ${expected.length}`;
  let first = -1;
  let count = 0;
  let maxDiff = 0;
  let maxAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    let bad: boolean;
    if (Number.isNaN(e) || Number.isNaN(a)) bad = !(Number.isNaN(e) && Number.isNaN(a));
    else if (!Number.isFinite(e) || !Number.isFinite(a)) bad = a !== e;
    else {
      const d = Math.abs(a - e);
      if (d > maxDiff) {
        maxDiff = d;
        maxAt = i;
      }
      bad = d > atol + rtol * Math.abs(e);
    }
    if (bad) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return null;
  return (
    `${label}${count} of ${expected.length} elements differ (atol ${atol}, rtol ${rtol}); ` +
    `first at [${first}]: actual ${actual[first]} vs expected ${expected[first]}; ` +
    `max |diff| ${maxDiff.toExponential(3)} at [${maxAt}]`
  );
}

export function expectClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): void {
  const msg = compareClose(actual, expected, opts);
  if (msg !== null) throw new Error(msg);
}
