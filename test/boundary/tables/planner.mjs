// Argument table of the planner exports: a CPU planner for B = 2 environments with small dims
// (every create argument is a live argument with its range), and the tensors plannerPlan needs
// for it (the parameter buffers sized by the documented layout). The planner is a multitask one
// (NT tasks, embeddings of T), so the task arguments of plannerPlan are live too.
const B = 2, O = 3, A = 2, L = 8, E = 6, M = 5, K = 5, Q = 2, H = 2, T = 3, NT = 2;
const MAX_SAFE = 2 ** 53 - 1;
const create = [
  -1, B, O, A, L, E, 2, M, K, -10, 10, Q, 4, H, 2, 8, 3, 2, 0.05, 2, 0.5, 0.99, -10, 2, false, 1, 0, 0,
  T, NT, new Float32Array([0.99, 0.95]),
];

// Σ over layers of members·(out·in + out [+ 2·out for LayerNorm layers]).
function mlpSize(dims, lnOut, members = 1) {
  let n = 0;
  for (let i = 0; i + 1 < dims.length; i++) {
    const ln = i + 2 < dims.length || lnOut;
    n += members * (dims[i + 1] * dims[i] + dims[i + 1] + (ln ? 2 * dims[i + 1] : 0));
  }
  return n;
}

export default ({ tensor, device, int, bool, bounded, f32, u8, planner, plannerHandle, ints, i32 }) => {
  const nets = [
    tensor([mlpSize([O + T, E, L], true)]),
    tensor([mlpSize([L + T + A, M, M, L], true)]),
    tensor([mlpSize([L + T + A, M, M, K], false)]),
    tensor([mlpSize([L + T, M, M, 2 * A], false)]),
    tensor([mlpSize([L + T + A, M, M, K], false, Q)]),
  ];
  const plan = [
    planner(create), ...nets, tensor([B, O]), u8(B), bool(false), tensor([B, A]),
    tensor([NT, T]), tensor([NT, A]), i32([0, 1], NT - 1),
  ];
  return {
    plannerCreate: [
      device(),
      int(B, 1, 2 ** 20),
      int(O, 1, 2 ** 24),
      int(A, 1, 4096),
      int(L, 1, 65536),
      int(E, 1, 65536),
      int(2, 1, 16),
      int(M, 1, 65536),
      int(K, 0, 65536),
      bounded(-10, -2e30, 2e30),
      bounded(10, -10, 2e30), // vmax > vmin
      int(Q, 2, 256),
      int(4, 1, L), // simnormDim ≤ latentDim
      int(H, 1, 256),
      int(2, 1, 65536),
      int(8, 1, 2 ** 20),
      int(3, 1, 8), // numElites ≤ numSamples
      int(2, 0, 8), // numPiTrajs ≤ numSamples
      bounded(0.05, 0, 2e30), // minStd > 0
      bounded(2, 0.04, 2e30), // maxStd ≥ minStd
      bounded(0.5, 0, 2e30), // temperature > 0
      bounded(0.99, -0.1, 1.1),
      bounded(-10, -2e30, 2e30),
      bounded(2, -11, 2e30), // logStdMax ≥ logStdMin
      bool(false),
      int(1, 0, MAX_SAFE),
      int(0, 0, 2 ** 32 - 1 - (B - 1)), // streamBase + B − 1 fits a uint32
      int(0, 0, 2 ** 31),
      int(T, 0, 65536),
      int(NT, 0, 65536),
      f32(NT),
    ],
    plannerPlan: plan,
    plannerPlanAsync: plan,
    plannerDispose: [plannerHandle(create)],
    plannerReadMean: [planner(create), f32(B * H * A)],
    plannerReadStd: [planner(create), f32(B * H * A)],
    plannerWriteMean: [planner(create), f32(B * H * A)],
    plannerReset: [planner(create), int(0, -1, B - 1)],
    plannerRngState: [planner(create)],
    plannerSetRngState: [
      planner(create),
      ints([1, 5, 0, 1, 6, 100], [MAX_SAFE, 2 ** 32 - 1, MAX_SAFE, MAX_SAFE, 2 ** 32 - 1, MAX_SAFE]),
    ],
    plannerLayout: [planner(create)],
  };
};
