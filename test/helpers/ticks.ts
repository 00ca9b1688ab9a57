// Event-loop liveness: how many times a 1 ms interval fires while `during` runs. Tests compare a
// busy count against the rate an idle event loop gets on this machine, measured just before
// (Node fires a 1 ms interval every ~1.1 ms at best; a shared machine gives fewer).
export async function countTicks(during: () => Promise<unknown>): Promise<{ ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const t0 = performance.now();
  await during();
  const ms = performance.now() - t0;
  clearInterval(timer);
  return { ticks, ms };
}
