// The MPPI planner (SPEC §8; HEAD tdmpc2.py `_plan` and `_estimate_value`): one native call plans
// for B environments at once — encode, policy-prior trajectories, J iterations of sampling,
// latent rollout, reward and bootstrap value, elite selection and the weighted mean/std update,
// then the final elite draw and the exploration noise — and keeps each environment's warm-start
// mean between calls. No JS runs inside a call; the workspaces are allocated once, when the
// planner is made, and reused (steady state allocates nothing).
//
// PARAMETERS. The planner reads the world model's parameters where they live: one flat buffer per
// network (lib/nn/params.ts ParamGroup), laid out layer by layer as lib/nn/modules.ts declares
// them: for layer i, `i.weight` [N,K] (ensemble: [E,N,K]), `i.bias` [N] ([E,N]), then for
// LayerNorm layers `i.ln_weight`, `i.ln_bias` [N] ([E,N]). planner_model_layout() computes the
// offsets from the same rule (a test checks them against the TS views). Networks (SPEC §4):
//   encoder  O → enc_dim × max(enc_layers − 1, 1) → L, output LayerNorm+SimNorm
//   dynamics L+A → mlp → mlp → L, output LayerNorm+SimNorm
//   reward   L+A → mlp → mlp → K logits (plain output layer)
//   pi       L → mlp → mlp → 2A (μ | raw log-std)
//   qs       ensemble of num_q: L+A → mlp → mlp → K logits
// Hidden layers are LayerNorm+Mish. The planner runs in eval mode: no dropout.
//
// RANDOM NUMBERS. Every draw comes from Philox (math/philox.h) at an address that belongs to one
// environment: env b holds an EnvRng (seed, stream, offset); a plan call draws from blocks
// offset .. offset + blocks_per_call − 1 of (seed, stream) and then advances offset by
// blocks_per_call, a constant of the configuration. So env b of a batched call draws exactly
// what a one-environment planner holding env b's (seed, stream, offset) draws: results do not
// depend on B, on the env's position in the batch or on the chunking. Within a call, draws
// follow each other in this order, each starting on a fresh block (a draw of n numbers takes
// ⌈n/4⌉ blocks; number i of a draw is lane i mod 4 of its block ⌊i/4⌋, as rng.h):
//   1. for t = 0..H−1 (only when P > 0): ε of the policy trajectories at step t: P·A normals [P,A]
//   2. for j = 0..J−1:
//        ξ_j  H·(N−P)·A normals [H, N−P, A] (the Gaussian samples of iteration j)
//        ε_j  N·A normals [N, A] (the policy sample at z_H for the bootstrap)
//        q_j  2 uniforms (u0, u1) → the Q pair: i = ⌊u0·Q⌋, j' = ⌊u1·(Q−1)⌋, j = j' + (j' ≥ i)
//   3. the elite choice: 1 uniform
//   4. the exploration noise: A normals (drawn, i.e. reserved, in eval mode too)
// PlannerDraws holds the block offset of each. By default env b of a planner made with (seed,
// stream_base) starts at (seed, stream_base + b, 0); the state can be read and restored
// (checkpoints).
//
// Q HEADS. The bootstrap uses the average of a random pair of online Q members (SPEC §7); only
// the two sampled members are evaluated, per environment (envs of a chunk that share a member
// are batched into one GEMM per member). full_ensemble = true evaluates every member on every
// row and then picks the same pair: identical results (a row's GEMM result does not depend on
// the other rows), the official code's cost.
//
// BATCHING. Environments are processed in chunks of C = clamp(max_chunk_rows / N, 1, B): the
// N samples of the C environments of a chunk go through each layer as one GEMM (C·N rows).
// Per-row results are independent of C, so any chunking gives the same result.
//
// WARM START (SPEC §8 step 3): unless first_step[b], mean[0:H−1] = prev_mean_b[1:H] and the last
// row is 0; std always starts at max_std. prev_mean_b is the final MPPI mean of env b's previous
// call (not the chosen sequence); reset_env(b) zeroes it, which makes the next call start from a
// zero mean exactly as a first step does.
//
// MULTITASK (SPEC §11; task_dim > 0). Each env plans for its own task id: the task's embedding
// row (as the model's Embedding returns it after its max-norm renormalisation, done by the
// caller) is concatenated into every network input ([obs, e] for the encoder, [z, e, a] for
// dynamics, reward and Q, [z, e] for the policy), natively in the workspace; the task's action
// mask multiplies the policy's μ, log σ and ε (policy.h), the Gaussian samples after the clamp,
// and the MPPI mean and std after each update, so masked dims are exactly 0 in every sequence
// and in the returned action; rewards and the bootstrap are discounted with the task's γ
// (float32 products, as HEAD's discount tensor). Single-task planners (task_dim = 0) run the
// exact code path they ran before multitask support.
//
// Not covered: the episodic termination (§13).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "tdmpc2/dense.h"
#include "tdmpc2/math/mppi.h"
#include "tdmpc2/math/two_hot.h"

namespace tdmpc2 {

struct PlannerDims {
  int64_t obs_dim;     // O
  int64_t action_dim;  // A
  int64_t latent_dim;  // L (a multiple of simnorm_dim)
  int64_t enc_dim;
  int64_t enc_layers;  // num_enc_layers ≥ 1
  int64_t mlp_dim;
  int64_t num_q;  // ≥ 2
  int64_t simnorm_dim;
  TwoHotBins bins;     // K bins over [vmin, vmax] (K ≤ 1: the degenerate configs)
  int64_t task_dim;    // T: embedding width (0: single task)
  int64_t num_tasks;   // rows of the embedding table and the mask table (0: single task)
};

struct PlannerConfig {
  int64_t horizon;       // H ≥ 1
  int64_t iterations;    // J ≥ 1 (already including the +2 for A ≥ 20)
  int64_t num_samples;   // N ≥ 1
  int64_t num_elites;    // Ke in [1, N]
  int64_t num_pi_trajs;  // P in [0, N]
  float min_std, max_std, temperature;
  double discount;  // γ; γ^t is accumulated in double as HEAD does, used as float32
  float log_std_min, log_std_max;
  bool full_ensemble;
  int64_t max_chunk_rows;  // rows (envs × N) per GEMM; ≥ 1 (the binding's default: 2048)
  std::vector<float> task_discounts;  // γ per task (multitask; num_tasks entries)
};

// One layer of a network: dims, epilogue and the element offsets of its parameters in the
// network's flat buffer (member 0; member e adds e·out·in to w and e·out to the rest).
struct LayerLayout {
  int64_t in, out;
  DenseEpilogue ep;
  int64_t w, b, gamma, beta;  // gamma/beta are −1 for the plain output layer
};

constexpr int kMaxMlpLayers = 17;  // enc_layers ≤ 16 (binding-checked)

struct MlpLayout {
  int64_t members;  // 1, or num_q for the ensemble
  int n;            // layers
  LayerLayout layer[kMaxMlpLayers];
  int64_t size;       // total elements of the flat buffer
  int64_t max_width;  // widest hidden layer
};

struct ModelLayout {
  MlpLayout encoder, dynamics, reward, pi, qs;
};

ModelLayout planner_model_layout(const PlannerDims& d);

// Block offsets of one call's draws, relative to the env's offset at the start of the call.
struct PlannerDraws {
  uint64_t pi_traj0, pi_traj_step;  // ε of policy step t at pi_traj0 + t·pi_traj_step
  uint64_t iter0, iter_step;        // iteration j's draws start at iter0 + j·iter_step
  uint64_t samples, terminal, q_pair;  // within an iteration
  MppiFinalDraws final;
  uint64_t total;  // blocks per call: the amount each env's offset advances
};

PlannerDraws planner_draws(const PlannerDims& d, const PlannerConfig& c);

// The Q pair of one iteration from its two uniforms (see RANDOM NUMBERS): distinct members,
// each ordered pair equally likely.
void planner_q_pair(float u0, float u1, int64_t num_q, int64_t& i, int64_t& j);

// The flat parameter buffers, on the planner's device.
struct PlannerNets {
  const float* encoder;
  const float* dynamics;
  const float* reward;
  const float* pi;
  const float* qs;
  const float* task_emb;      // [num_tasks, T] (multitask; null single-task)
  const float* action_masks;  // [num_tasks, A] 1/0 (multitask; null single-task)
};

struct PlanWorkspace;  // the backend's buffers (planner_driver.h)

// A planner for B environments on one device. Host-side state: per env the RNG address, the
// warm-start mean and the last call's final std. Not thread-safe: one call at a time (the
// binding serialises them).
class Planner {
 public:
  Planner(const PlannerDims& dims, const PlannerConfig& cfg, int64_t batch, uint64_t seed,
          uint32_t stream_base);
  virtual ~Planner() = default;
  Planner(const Planner&) = delete;
  Planner& operator=(const Planner&) = delete;

  // obs [B,O] and actions [B,A] on the planner's device; first_step[B] host bytes (≠ 0: first
  // step of an episode); tasks[B] host task ids (multitask; null single-task). Writes actions;
  // updates prev_mean, last_std and every env's offset.
  virtual void plan(const PlannerNets& nets, const float* obs, const uint8_t* first_step,
                    const int32_t* tasks, bool eval_mode, float* actions) = 0;

  const PlannerDims& dims() const { return dims_; }
  const PlannerConfig& config() const { return cfg_; }
  const ModelLayout& layout() const { return layout_; }
  const PlannerDraws& draws() const { return draws_; }
  int64_t batch() const { return batch_; }
  int64_t chunk() const { return chunk_; }

  // [B,H,A] host arrays.
  std::vector<float>& prev_mean() { return prev_mean_; }
  const std::vector<float>& last_std() const { return last_std_; }
  std::vector<EnvRng>& rng() { return rng_; }
  void reset_env(int64_t b);  // b < 0: every env

 protected:
  // The starting mean of env b of this call (warm start) into mean[H·A].
  void initial_mean(int64_t b, bool first_step, float* mean) const;

  // The whole call over a backend's ops and workspace (planner_driver.h): shared by the CPU and
  // CUDA planners so the orchestration is written once.
  template <class Ops>
  void run_plan(Ops& ops, const PlanWorkspace& ws, const PlannerNets& nets, const float* obs,
                const uint8_t* first_step, const int32_t* tasks, bool eval_mode, float* actions);

  PlannerDims dims_;
  PlannerConfig cfg_;
  ModelLayout layout_;
  PlannerDraws draws_;
  int64_t batch_, chunk_;
  std::vector<float> prev_mean_, last_std_;
  std::vector<EnvRng> rng_;
  // Host scratch of one chunk, sized once: starting means [C,H,A], Q pairs [C,2], and per Q
  // member the (env, slot) pairs that use it [Q][2C].
  std::vector<float> mean_init_;
  std::vector<int64_t> pairs_;
  std::vector<int64_t> member_users_;
  std::vector<int64_t> member_count_;
  std::vector<float> disc_;  // [C] multitask: each env's running discount product
};

std::unique_ptr<Planner> make_planner_cpu(const PlannerDims& dims, const PlannerConfig& cfg,
                                          int64_t batch, uint64_t seed, uint32_t stream_base);
#ifdef TDMPC2_WITH_CUDA
std::unique_ptr<Planner> make_planner_cuda(const PlannerDims& dims, const PlannerConfig& cfg,
                                           int64_t batch, uint64_t seed, uint32_t stream_base,
                                           int device);
#endif

}  // namespace tdmpc2
