// Argument table of the benchmark-only exports (native/binding/bench.cc).
import { readFileSync } from 'node:fs';

// pinThread's valid CPU is one this process may run on (the abuse child pins only itself).
function allowedCpus() {
  try {
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1];
    return list.split(',').flatMap((part) => {
      const [a, b = a] = part.split('-').map(Number);
      return Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
  } catch {
    return [0];
  }
}
const cpus = allowedCpus();

export default ({ bounded, int, f32 }) => ({
  fmaPeak: [bounded(0.001, 0, 10.5)],
  gemmProfileStart: [],
  gemmProfileStop: [],
  threadCpus: [],
  pinThread: [int(cpus[0], cpus[0], cpus[cpus.length - 1])],
  unpinThread: [],
  threadPoolStats: [],
  stallGuardReplay: [f32(5)],
});
