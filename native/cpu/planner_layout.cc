// The planner's backend-independent parts (semantics in tdmpc2/planner.h): the parameter layout
// of every network, the layout of one call's Philox draws, the Q-pair rule and the host-side
// per-environment state (RNG addresses, warm-start means).
#include <algorithm>
#include <cmath>

#include "tdmpc2/math/philox.h"
#include "tdmpc2/planner.h"

namespace tdmpc2 {
namespace {

// mlp(in, hidden, out) as lib/nn/modules.ts lays it out: per layer weight, bias, then the
// LayerNorm affine for LayerNorm layers; every array stacked over `members`.
MlpLayout mlp_layout(int64_t in, int64_t hidden_width, int64_t hidden_count, int64_t out,
                     DenseEpilogue out_ep, int64_t members) {
  MlpLayout m{};
  m.members = members;
  m.n = int(hidden_count + 1);
  int64_t at = 0, width = in;
  for (int i = 0; i < m.n; ++i) {
    const bool last = i == m.n - 1;
    LayerLayout& l = m.layer[i];
    l.in = width;
    l.out = last ? out : hidden_width;
    l.ep = last ? out_ep : DenseEpilogue::LnMish;
    l.w = at;
    at += members * l.out * l.in;
    l.b = at;
    at += members * l.out;
    if (l.ep != DenseEpilogue::None) {
      l.gamma = at;
      at += members * l.out;
      l.beta = at;
      at += members * l.out;
    } else {
      l.gamma = l.beta = -1;
    }
    if (!last) m.max_width = std::max(m.max_width, l.out);
    width = l.out;
  }
  m.size = at;
  return m;
}

}  // namespace

ModelLayout planner_model_layout(const PlannerDims& d) {
  const int64_t L = d.latent_dim, A = d.action_dim, M = d.mlp_dim, K = d.bins.cols();
  const int64_t T = d.task_dim;  // multitask: the embedding joins every input
  ModelLayout m;
  m.encoder = mlp_layout(d.obs_dim + T, d.enc_dim, std::max<int64_t>(d.enc_layers - 1, 1), L,
                         DenseEpilogue::LnSimNorm, 1);
  m.dynamics = mlp_layout(L + T + A, M, 2, L, DenseEpilogue::LnSimNorm, 1);
  m.reward = mlp_layout(L + T + A, M, 2, K, DenseEpilogue::None, 1);
  m.pi = mlp_layout(L + T, M, 2, 2 * A, DenseEpilogue::None, 1);
  m.qs = mlp_layout(L + T + A, M, 2, K, DenseEpilogue::None, d.num_q);
  return m;
}

PlannerDraws planner_draws(const PlannerDims& d, const PlannerConfig& c) {
  const uint64_t H = uint64_t(c.horizon), N = uint64_t(c.num_samples);
  const uint64_t P = uint64_t(c.num_pi_trajs), A = uint64_t(d.action_dim);
  PlannerDraws r{};
  r.pi_traj0 = 0;
  r.pi_traj_step = P > 0 ? rng_blocks(P * A) : 0;
  r.iter0 = H * r.pi_traj_step;
  r.samples = 0;
  r.terminal = rng_blocks(H * (N - P) * A);
  r.q_pair = r.terminal + rng_blocks(N * A);
  r.iter_step = r.q_pair + rng_blocks(2);
  r.final.choice = r.iter0 + uint64_t(c.iterations) * r.iter_step;
  r.final.explore = r.final.choice + rng_blocks(1);
  r.total = r.final.explore + rng_blocks(A);
  return r;
}

void planner_q_pair(float u0, float u1, int64_t num_q, int64_t& i, int64_t& j) {
  // In double: u·Q is exact and ⌊·⌋ never rounds up to Q (u < 1).
  i = std::min<int64_t>(int64_t(std::floor(double(u0) * double(num_q))), num_q - 1);
  j = std::min<int64_t>(int64_t(std::floor(double(u1) * double(num_q - 1))), num_q - 2);
  if (j >= i) ++j;
}

Planner::Planner(const PlannerDims& dims, const PlannerConfig& cfg, int64_t batch, uint64_t seed,
                 uint32_t stream_base)
    : dims_(dims),
      cfg_(cfg),
      layout_(planner_model_layout(dims)),
      draws_(planner_draws(dims, cfg)),
      batch_(batch),
      chunk_(std::clamp<int64_t>(cfg.max_chunk_rows / cfg.num_samples, 1, batch)),
      prev_mean_(size_t(batch * cfg.horizon * dims.action_dim), 0.f),
      last_std_(size_t(batch * cfg.horizon * dims.action_dim), cfg.max_std),
      rng_(size_t(batch)),
      mean_init_(size_t(chunk_ * cfg.horizon * dims.action_dim)),
      pairs_(size_t(2 * chunk_)),
      member_users_(size_t(dims.num_q * 2 * chunk_)),
      member_count_(size_t(dims.num_q)),
      disc_(size_t(chunk_)) {
  for (int64_t b = 0; b < batch; ++b) rng_[size_t(b)] = EnvRng{seed, stream_base + uint32_t(b), 0};
}

void Planner::reset_env(int64_t b) {
  const int64_t HA = cfg_.horizon * dims_.action_dim;
  if (b < 0) {
    std::fill(prev_mean_.begin(), prev_mean_.end(), 0.f);
    return;
  }
  std::fill(prev_mean_.begin() + b * HA, prev_mean_.begin() + (b + 1) * HA, 0.f);
}

void Planner::initial_mean(int64_t b, bool first_step, float* mean) const {
  const int64_t H = cfg_.horizon, A = dims_.action_dim;
  const float* prev = prev_mean_.data() + b * H * A;
  for (int64_t t = 0; t < H; ++t)
    for (int64_t i = 0; i < A; ++i)
      mean[t * A + i] = (!first_step && t + 1 < H) ? prev[(t + 1) * A + i] : 0.f;
}

}  // namespace tdmpc2
