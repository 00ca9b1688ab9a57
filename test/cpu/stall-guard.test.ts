// The CPU thread pool's stall guard (native/cpu/stall_guard.h), replayed over scripted loops: which
// loops count as bad, how long the serial spells they start last, and how good loops, long or
// short, step the level back. The pool itself runs on real threads and clocks; this is its policy.
import { describe, expect, test } from 'vitest';

import { addon } from '../../lib/native.js';

/** One loop as the submitter saw it. */
interface Loop {
  ownUs: number; // running items itself
  waitUs: number; // then waiting for the helpers that joined
  items: number;
  doneHere: number;
  joined: number;
}

/** The test export: five numbers per loop in, the level and the spell (ms) after each out. */
const stallGuardReplay = (loops: unknown): Float64Array =>
  (addon() as unknown as { stallGuardReplay(loops: unknown): Float64Array }).stallGuardReplay(loops);

/** The guard's level and the serial spell left (ms) after each loop, from a fresh guard. */
function replay(loops: Loop[]): { level: number; serialMs: number }[] {
  const flat = Float32Array.from(loops.flatMap((l) => [l.ownUs, l.waitUs, l.items, l.doneHere, l.joined]));
  const out = stallGuardReplay(flat);
  return loops.map((_, i) => ({ level: out[2 * i]!, serialMs: out[2 * i + 1]! }));
}

const times = (n: number, loop: Loop) => Array.from({ length: n }, () => loop);
// A short loop both threads ran (0.2 ms), a helper's stall (its item held 0.3 ms past the
// submitter's last), and a long loop both ran (0.61 ms).
const shortHelped: Loop = { ownUs: 150, waitUs: 50, items: 10, doneHere: 5, joined: 1 };
const stall: Loop = { ownUs: 100, waitUs: 300, items: 10, doneHere: 5, joined: 1 };
const longHelped: Loop = { ownUs: 600, waitUs: 10, items: 10, doneHere: 5, joined: 1 };
const last = <T>(a: T[]) => a[a.length - 1]!;

describe('stall guard', () => {
  test('a quiet machine: loops both threads ran leave it at level 0, never serial', () => {
    for (const s of replay([...times(50, shortHelped), ...times(5, longHelped)])) expect(s).toEqual({ level: 0, serialMs: 0 });
  });

  test('each stall raises the level; the spell is 8 ms × 2^(level − 1), capped at level 8', () => {
    expect(replay(times(10, stall))).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 8, 8].map((level) => ({ level, serialMs: 8 * 2 ** (level - 1) })),
    );
  });

  test('a wait under 0.2 ms, or under four of the submitter’s items, is not a stall', () => {
    expect(last(replay([{ ...stall, waitUs: 199 }]))).toEqual({ level: 0, serialMs: 0 });
    // 1 ms items: a 0.3 ms wait is less than one item's time.
    expect(last(replay([{ ownUs: 2000, waitUs: 300, items: 4, doneHere: 2, joined: 1 }]))).toEqual({ level: 0, serialMs: 0 });
  });

  test('a long loop the helpers hardly ran, or one that gained under 10 %, is bad', () => {
    // Helpers ran 1 of 10 items of a 0.6 ms loop.
    expect(last(replay([{ ownUs: 600, waitUs: 0, items: 10, doneHere: 9, joined: 1 }])).level).toBe(1);
    // 6 of 8 items here at 100 µs each: alone it would take 800 µs; the loop took 750.
    expect(last(replay([{ ownUs: 600, waitUs: 150, items: 8, doneHere: 6, joined: 1 }])).level).toBe(1);
    // The same shapes under 0.5 ms are too short to judge.
    expect(last(replay([{ ownUs: 450, waitUs: 0, items: 10, doneHere: 9, joined: 1 }])).level).toBe(0);
  });

  test('a long good loop steps the level back at once', () => {
    const s = replay([...times(3, stall), longHelped, longHelped]);
    expect(s.map((x) => x.level)).toEqual([1, 2, 3, 2, 1]);
  });

  test('short loops that helpers joined step it back once they add up to the current spell', () => {
    // Level 2 (a 16 ms spell): 80 short loops of 0.2 ms make 16 ms, the 80th steps to level 1;
    // 40 more (8 ms, level 1's spell) step to 0.
    const s = replay([stall, stall, ...times(120, shortHelped)]);
    expect(s[1]!.level).toBe(2);
    expect(s[2 + 78]!.level).toBe(2);
    expect(s[2 + 79]!.level).toBe(1);
    expect(s[2 + 79 + 39]!.level).toBe(1);
    expect(s[2 + 79 + 40]!.level).toBe(0);
  });

  test('short loops no helper joined say nothing, and a stall restarts the count', () => {
    const alone: Loop = { ownUs: 200, waitUs: 0, items: 10, doneHere: 10, joined: 0 };
    expect(last(replay([stall, ...times(200, alone)])).level).toBe(1);
    // 30 helped loops (6 ms), a stall (level 2), 60 more (12 ms of the 16 needed): still 2.
    expect(last(replay([stall, ...times(30, shortHelped), stall, ...times(60, shortHelped)])).level).toBe(2);
  });

  test('rejects loops it cannot read, naming the op and the loop', () => {
    const guard = stallGuardReplay;
    expect(() => guard([100, 0, 1, 1, 0])).toThrow(TypeError);
    expect(() => guard(new Float32Array(7))).toThrow(/stallGuardReplay: loops: expected 5 numbers per loop/);
    expect(() => guard(Float32Array.from([0, 0, 1, 1, 0, 5, -1, 1, 1, 0]))).toThrow(/stallGuardReplay: loops: loop 1: element 1 must be a duration/);
    expect(() => guard(Float32Array.from([0, 0, 2.5, 1, 0]))).toThrow(RangeError);
    expect(() => guard(Float32Array.from([2e7, 0, 1, 1, 0]))).toThrow(/loop 0: element 0 must be a duration in \[0, 1e7\] µs/);
    expect(() => guard(Float32Array.from([0, 0, 70000, 1, 0]))).toThrow(/element 2 must be an integer in \[0, 65536\]/);
    expect(() => guard(Float32Array.from([0, 0, 2, 3, 0]))).toThrow(/loop 0: done here \(3\) exceeds the items \(2\)/);
  });
});
