// What the CPU thread pool did since the thread count was last set (native/cpu/thread_pool.cc), so
// that a two-thread measurement can say whether its loops ran on two threads: the pool's stall
// guard runs loops on the calling thread alone for a while after a helper stalled.
import { addon } from '../native.js';

export interface ThreadPoolStats {
  /** Parallel loops submitted while helpers were allowed (more than one thread and one item). */
  loops: number;
  /** Of those, the loops a helper joined. */
  helped: number;
  /** The stall guard's level: each bad loop doubles the next serial spell (8 ms at level 1). */
  backoff: number;
  /** How much longer loops run on the calling thread alone. */
  serialMs: number;
}

/** The pool's record since the last setNumThreads (which starts it afresh, the guard included). */
export function threadPoolStats(): ThreadPoolStats {
  return (addon() as unknown as { threadPoolStats(): ThreadPoolStats }).threadPoolStats();
}
