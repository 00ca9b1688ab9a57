// Argument table of the benchmark-only exports (native/binding/bench.cc).
export default ({ bounded }) => ({
  fmaPeak: [bounded(0.001, 0, 10.5)],
  gemmProfileStart: [],
  gemmProfileStop: [],
});
