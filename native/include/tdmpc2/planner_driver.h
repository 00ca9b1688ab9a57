// The planner's orchestration, written once for both backends (semantics in planner.h; the
// official code is HEAD tdmpc2.py `_plan` / `_estimate_value`, whose section names appear below).
// Included by native/cpu/planner.cc and cuda/planner.cu, each of which supplies an `Ops` object
// with the primitive steps on its device (below) and a PlanWorkspace of device buffers.
//
// Ops (all pointers on the device; C = envs in the chunk, R = C·N rows):
//   begin_chunk(const EnvRng* rng, C)           the chunk's env addresses (host array)
//   dense(ep, V, rows, K, N, X, DenseParams, Y)  inference dense layer (no dropout, no saves)
//   two_hot_inv(logits, value, rows, bins)
//   policy(raw, eps, mask, per, action, rows, A, PolicyRange)
//                                                mask null, or [rows/per, A]: row r uses row r/per
//   normals(out, C, n, block)                    env c's n normals at its offset + block → out + c·n
//   repeat_rows(dst, src, C, reps, width)        dst row c·reps + r = src row c
//   concat(X, z, a, rows, L, A)                  X = [z, a] row by row
//   concat_task(X, z, emb, a, rows, per, L, T, A)  X = [z, emb row r/per, a] (a null when A = 0)
//   gather_tasks(emb, mask, table, masks, ids, C, T, A)  env c's task rows (host ids) → emb, mask
//   place_pi(actions_t, pi_a, C, N, P, A)        actions_t row c·N + p = pi_a row c·P + p
//   sample(actions, xi, mean, std, mask, C, H, N, P, A)  columns P.. of every env, every step;
//                                                mask null or [C, A] (× after the clamp)
//   accumulate(G, r, disc, rows, first)          G = (first ? 0 : G) + disc·r
//   bootstrap(V, G, qa, qb, disc, rows)          V = nan_to_num(G + disc·(qa + qb)/2)
//   update(V, actions, elite, score, mean, std, mask, C, N, MppiShape)   per env (math/mppi.h)
//   select(out, score, elite, actions, std, C, N, H, Ke, A, eval, MppiFinalDraws)  per env
//   copy(dst, src, n), fill(dst, v, n), upload(dst, host, n), download(host, src, n)
#pragma once
#include <algorithm>

#include "tdmpc2/math/philox.h"
#include "tdmpc2/planner.h"
#include "tdmpc2/policy.h"

namespace tdmpc2 {

// The device buffers of one chunk (sizes for C envs; R = C·N rows, LA = L + T + A (T = task_dim,
// 0 single-task), Kc = bins.cols()).
struct PlanWorkspace {
  float* h0;       // [R, W] hidden activations (W = widest hidden layer of any net)
  float* h1;       // [R, W]
  float* z0;       // [C, L] encoded observations
  float* z;        // [R, L] latents of the rollout
  float* X;        // [R, LA] [z, a] inputs
  float* Xq;       // [R, LA] a Q member's rows gathered from several envs (null when C = 1)
  float* raw;      // [R, 2A] π-net outputs
  float* eps;      // [R, A] policy noise
  float* pi_a;     // [R, A] policy actions
  float* actions;  // [H, C, N, A] the sampled sequences (columns 0..P−1: policy trajectories)
  float* xi;       // [C, H, N−P, A] Gaussian noise of one iteration
  float* logits;   // [R, Kc] reward or Q logits
  float* r;        // [R] rewards
  float* G;        // [R] discounted returns
  float* qa;       // [R] first Q of the pair
  float* qb;       // [R] second Q of the pair
  float* vq;       // [R] a gathered member's values
  float* V;        // [R] values
  float* qall;     // [Q, R] every member's values (full_ensemble only, else null)
  float* mean;     // [C, H, A]
  float* std;      // [C, H, A]
  float* score;    // [C, Ke] normalised elite scores of the last iteration
  int32_t* elite;  // [C, Ke] elite sample indices of the last iteration
  float* emb;      // [C, T] each env's task embedding (multitask, else null)
  float* mask;     // [C, A] each env's action mask (multitask, else null)
  float* xo;       // [C, O + T] encoder inputs [obs, e] (multitask, else null)
};

// Allocates every buffer through alloc(count) → float* (int32 buffers take float slots: same
// size and alignment).
template <class Alloc>
PlanWorkspace allocate_plan_workspace(const PlannerDims& d, const PlannerConfig& c,
                                      const ModelLayout& m, int64_t C, Alloc alloc) {
  const int64_t N = c.num_samples, R = C * N, L = d.latent_dim, A = d.action_dim;
  const int64_t H = c.horizon, P = c.num_pi_trajs, Ke = c.num_elites, T = d.task_dim;
  const int64_t LA = L + T + A;
  const int64_t W = std::max({m.encoder.max_width, m.dynamics.max_width, m.reward.max_width,
                              m.pi.max_width, m.qs.max_width});
  const int64_t rows_h = std::max(R, C);  // the encoder runs on C rows
  PlanWorkspace w{};
  w.h0 = alloc(rows_h * W);
  w.h1 = alloc(rows_h * W);
  w.z0 = alloc(C * L);
  w.z = alloc(R * L);
  w.X = alloc(R * LA);
  w.Xq = C > 1 && !c.full_ensemble ? alloc(R * LA) : nullptr;
  w.raw = alloc(R * 2 * A);
  w.eps = alloc(R * A);
  w.pi_a = alloc(R * A);
  w.actions = alloc(H * R * A);
  w.xi = alloc(C * H * (N - P) * A);
  w.logits = alloc(R * d.bins.cols());
  w.r = alloc(R);
  w.G = alloc(R);
  w.qa = alloc(R);
  w.qb = alloc(R);
  w.vq = alloc(R);
  w.V = alloc(R);
  w.qall = c.full_ensemble ? alloc(d.num_q * R) : nullptr;
  w.mean = alloc(C * H * A);
  w.std = alloc(C * H * A);
  w.score = alloc(C * Ke);
  w.elite = reinterpret_cast<int32_t*>(alloc(C * Ke));
  w.emb = T > 0 ? alloc(C * T) : nullptr;
  w.mask = T > 0 ? alloc(C * A) : nullptr;
  w.xo = T > 0 ? alloc(C * (d.obs_dim + T)) : nullptr;
  return w;
}

// mlp(X) of member `member` into out, hidden layers through h0/h1 (out must not be X, h0 or h1).
template <class Ops>
void planner_mlp(Ops& ops, const MlpLayout& net, const float* params, int64_t member, int64_t V,
                 const float* X, int64_t rows, float* out, float* h0, float* h1) {
  const float* in = X;
  for (int i = 0; i < net.n; ++i) {
    const LayerLayout& l = net.layer[i];
    float* y = i == net.n - 1 ? out : (i % 2 == 0 ? h0 : h1);
    const int64_t wo = member * l.out * l.in, vo = member * l.out;
    const DenseParams p{params + l.w + wo, params + l.b + vo,
                        l.gamma >= 0 ? params + l.gamma + vo : nullptr,
                        l.beta >= 0 ? params + l.beta + vo : nullptr};
    ops.dense(l.ep, V, rows, l.in, l.out, in, p, y);
    in = y;
  }
}

template <class Ops>
void Planner::run_plan(Ops& ops, const PlanWorkspace& ws, const PlannerNets& nets,
                       const float* obs, const uint8_t* first_step, const int32_t* tasks,
                       bool eval_mode, float* actions_out) {
  const PlannerDims& d = dims_;
  const PlannerConfig& c = cfg_;
  const ModelLayout& m = layout_;
  const int64_t O = d.obs_dim, A = d.action_dim, L = d.latent_dim, V = d.simnorm_dim;
  const int64_t H = c.horizon, N = c.num_samples, P = c.num_pi_trajs, Ke = c.num_elites;
  const int64_t Q = d.num_q, T = d.task_dim, LA = L + T + A, HA = H * A;
  const bool multitask = T > 0;
  const PolicyRange range{c.log_std_min, c.log_std_max};
  const MppiShape shape{H, A, Ke, c.temperature, c.min_std, c.max_std};
  // Network inputs: [z, a] (single task) or [z, e, a] with env r/per's embedding (multitask).
  auto za = [&](const float* z, const float* a, int64_t rows, int64_t per) {
    if (multitask) ops.concat_task(ws.X, z, ws.emb, a, rows, per, L, T, A);
    else ops.concat(ws.X, z, a, rows, L, A);
  };
  // The policy prior at z (rows of `per` per env): π-net outputs in ws.raw.
  auto pi_raw = [&](const float* z, int64_t rows, int64_t per) {
    const float* x = z;
    if (multitask) {
      ops.concat_task(ws.X, z, ws.emb, nullptr, rows, per, L, T, 0);
      x = ws.X;
    }
    planner_mlp(ops, m.pi, nets.pi, 0, V, x, rows, ws.raw, ws.h0, ws.h1);
  };

  for (int64_t c0 = 0; c0 < batch_; c0 += chunk_) {
    const int64_t C = std::min(chunk_, batch_ - c0), R = C * N;
    EnvRng* rng = rng_.data() + c0;
    ops.begin_chunk(rng, C);

    // Encode, and the starting mean (warm start) and std.
    if (multitask) {
      ops.gather_tasks(ws.emb, ws.mask, nets.task_emb, nets.action_masks, tasks + c0, C, T, A);
      ops.concat_task(ws.xo, obs + c0 * O, ws.emb, nullptr, C, 1, O, T, 0);
      planner_mlp(ops, m.encoder, nets.encoder, 0, V, ws.xo, C, ws.z0, ws.h0, ws.h1);
    } else {
      planner_mlp(ops, m.encoder, nets.encoder, 0, V, obs + c0 * O, C, ws.z0, ws.h0, ws.h1);
    }
    for (int64_t b = 0; b < C; ++b)
      initial_mean(c0 + b, first_step[c0 + b] != 0, mean_init_.data() + b * HA);
    ops.upload(ws.mean, mean_init_.data(), C * HA);
    ops.fill(ws.std, c.max_std, C * HA);

    // Sample policy trajectories
    if (P > 0) {
      const int64_t RP = C * P;
      ops.repeat_rows(ws.z, ws.z0, C, P, L);
      for (int64_t t = 0; t < H; ++t) {
        pi_raw(ws.z, RP, P);
        ops.normals(ws.eps, C, P * A, draws_.pi_traj0 + uint64_t(t) * draws_.pi_traj_step);
        ops.policy(ws.raw, ws.eps, ws.mask, P, ws.pi_a, RP, A, range);
        ops.place_pi(ws.actions + t * R * A, ws.pi_a, C, N, P, A);
        if (t + 1 < H) {
          za(ws.z, ws.pi_a, RP, P);
          planner_mlp(ops, m.dynamics, nets.dynamics, 0, V, ws.X, RP, ws.z, ws.h0, ws.h1);
        }
      }
    }

    // Iterate MPPI
    for (int64_t j = 0; j < c.iterations; ++j) {
      const uint64_t it = draws_.iter0 + uint64_t(j) * draws_.iter_step;
      // Sample actions
      if (N > P) {
        ops.normals(ws.xi, C, H * (N - P) * A, it + draws_.samples);
        ops.sample(ws.actions, ws.xi, ws.mean, ws.std, ws.mask, C, H, N, P, A);
      }

      // Compute elite actions: the value of every sequence (_estimate_value).
      ops.repeat_rows(ws.z, ws.z0, C, N, L);
      double disc = 1.0;  // single task: γ^t accumulated in double (HEAD's Python float)
      if (multitask) std::fill(disc_.begin(), disc_.begin() + C, 1.f);
      for (int64_t t = 0; t < H; ++t) {
        za(ws.z, ws.actions + t * R * A, R, N);
        planner_mlp(ops, m.reward, nets.reward, 0, V, ws.X, R, ws.logits, ws.h0, ws.h1);
        ops.two_hot_inv(ws.logits, ws.r, R, d.bins);
        if (multitask) {
          // HEAD: discount = discount · self.discount[task], float32 tensors.
          for (int64_t b = 0; b < C; ++b) {
            ops.accumulate(ws.G + b * N, ws.r + b * N, disc_[size_t(b)], N, t == 0);
            disc_[size_t(b)] = disc_[size_t(b)] * c.task_discounts[size_t(tasks[c0 + b])];
          }
        } else {
          ops.accumulate(ws.G, ws.r, float(disc), R, t == 0);
        }
        planner_mlp(ops, m.dynamics, nets.dynamics, 0, V, ws.X, R, ws.z, ws.h0, ws.h1);
        disc *= c.discount;
      }
      // The bootstrap: a policy sample at z_H and the average of a random pair of online Qs.
      pi_raw(ws.z, R, N);
      ops.normals(ws.eps, C, N * A, it + draws_.terminal);
      ops.policy(ws.raw, ws.eps, ws.mask, N, ws.pi_a, R, A, range);
      za(ws.z, ws.pi_a, R, N);
      std::fill(member_count_.begin(), member_count_.end(), 0);
      for (int64_t b = 0; b < C; ++b) {
        const EnvRng& e = rng[b];
        const Philox4 blk = philox_block(e.seed, e.stream, e.offset + it + draws_.q_pair);
        planner_q_pair(philox_to_uniform(blk.v[0]), philox_to_uniform(blk.v[1]), Q,
                       pairs_[2 * b], pairs_[2 * b + 1]);
        for (int slot = 0; slot < 2; ++slot) {
          const int64_t q = pairs_[2 * b + slot];
          member_users_[q * 2 * C + member_count_[q]++] = 2 * b + slot;
        }
      }
      if (c.full_ensemble) {
        for (int64_t q = 0; q < Q; ++q) {
          planner_mlp(ops, m.qs, nets.qs, q, V, ws.X, R, ws.logits, ws.h0, ws.h1);
          ops.two_hot_inv(ws.logits, ws.qall + q * R, R, d.bins);
        }
        for (int64_t b = 0; b < C; ++b) {
          ops.copy(ws.qa + b * N, ws.qall + pairs_[2 * b] * R + b * N, N);
          ops.copy(ws.qb + b * N, ws.qall + pairs_[2 * b + 1] * R + b * N, N);
        }
      } else {
        for (int64_t q = 0; q < Q; ++q) {
          const int64_t n_users = member_count_[q];
          const int64_t* users = member_users_.data() + q * 2 * C;
          if (n_users == 0) continue;
          if (n_users == 1) {  // one env: its rows are contiguous already
            const int64_t b = users[0] / 2;
            float* dst = (users[0] % 2 == 0 ? ws.qa : ws.qb) + b * N;
            planner_mlp(ops, m.qs, nets.qs, q, V, ws.X + b * N * LA, N, ws.logits, ws.h0, ws.h1);
            ops.two_hot_inv(ws.logits, dst, N, d.bins);
            continue;
          }
          for (int64_t u = 0; u < n_users; ++u)
            ops.copy(ws.Xq + u * N * LA, ws.X + (users[u] / 2) * N * LA, N * LA);
          planner_mlp(ops, m.qs, nets.qs, q, V, ws.Xq, n_users * N, ws.logits, ws.h0, ws.h1);
          ops.two_hot_inv(ws.logits, ws.vq, n_users * N, d.bins);
          for (int64_t u = 0; u < n_users; ++u) {
            const int64_t b = users[u] / 2;
            ops.copy((users[u] % 2 == 0 ? ws.qa : ws.qb) + b * N, ws.vq + u * N, N);
          }
        }
      }
      if (multitask) {
        for (int64_t b = 0; b < C; ++b)
          ops.bootstrap(ws.V + b * N, ws.G + b * N, ws.qa + b * N, ws.qb + b * N, disc_[size_t(b)], N);
      } else {
        ops.bootstrap(ws.V, ws.G, ws.qa, ws.qb, float(disc), R);
      }

      // Update parameters (elites, scores, mean and std; per env; multitask: × mask).
      ops.update(ws.V, ws.actions, ws.elite, ws.score, ws.mean, ws.std, ws.mask, C, N, shape);
    }

    // Select action
    ops.select(actions_out + c0 * A, ws.score, ws.elite, ws.actions, ws.std, C, N, H, Ke,
               A, eval_mode, draws_.final);
    ops.download(prev_mean_.data() + c0 * HA, ws.mean, C * HA);
    ops.download(last_std_.data() + c0 * HA, ws.std, C * HA);
    for (int64_t b = 0; b < C; ++b) rng[b].offset += draws_.total;
  }
}

}  // namespace tdmpc2
