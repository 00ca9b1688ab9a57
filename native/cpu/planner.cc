// The planner on the CPU (semantics in tdmpc2/planner.h, orchestration in planner_driver.h): the
// primitive steps as plain loops over the math/mppi.h functions and the existing CPU kernels.
// The workspace is one host allocation made with the planner.
#include <cstring>

#include "tdmpc2/critic.h"
#include "tdmpc2/dense.h"
#include "tdmpc2/memory.h"
#include "tdmpc2/planner_driver.h"
#include "tdmpc2/policy.h"
#include "tdmpc2/rng.h"
#include "weight_packs.h"

namespace tdmpc2 {
namespace {

struct CpuOps {
  const EnvRng* rng = nullptr;
  cpu::WeightPacks* packs = nullptr;  // one epoch per plan call: a layer runs J·H times in it

  void begin_chunk(const EnvRng* r, int64_t) { rng = r; }

  void dense(DenseEpilogue ep, int64_t V, int64_t rows, int64_t K, int64_t N, const float* X,
             const DenseParams& p, float* Y) {
    const DenseShape shape{1, rows, K, N, true};
    const cpu::PackedB* Wp = packs->get(p.W, 1, K, N, true);
    dense_forward_packed_cpu(ep, V, shape, DenseDropout{}, X, p, Wp, Y, nullptr, nullptr);
  }

  void two_hot_inv(const float* logits, float* value, int64_t rows, TwoHotBins bins) {
    two_hot_inv_forward_cpu(logits, value, rows, bins);
  }

  void policy(const float* raw, const float* eps, const float* mask, int64_t per, float* action,
              int64_t rows, int64_t A, PolicyRange range) {
    if (mask == nullptr) {
      policy_forward_cpu(raw, eps, nullptr, 0, action, nullptr, nullptr, nullptr, nullptr,
                         nullptr, rows, A, range);
      return;
    }
    // Multitask: each env's rows with that env's mask (one mask row for `per` rows).
    for (int64_t r0 = 0; r0 < rows; r0 += per)
      policy_forward_cpu(raw + r0 * 2 * A, eps + r0 * A, mask + (r0 / per) * A, 0,
                         action + r0 * A, nullptr, nullptr, nullptr, nullptr, nullptr, per, A,
                         range);
  }

  void normals(float* out, int64_t C, int64_t n, uint64_t block) {
    for (int64_t b = 0; b < C; ++b)
      rng_normal_cpu(out + b * n, n, rng[b].seed, rng[b].stream, rng[b].offset + block);
  }

  void repeat_rows(float* dst, const float* src, int64_t C, int64_t reps, int64_t width) {
    for (int64_t b = 0; b < C; ++b)
      for (int64_t r = 0; r < reps; ++r)
        std::memcpy(dst + (b * reps + r) * width, src + b * width, size_t(width) * sizeof(float));
  }

  void concat(float* X, const float* z, const float* a, int64_t rows, int64_t L, int64_t A) {
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(X + r * (L + A), z + r * L, size_t(L) * sizeof(float));
      std::memcpy(X + r * (L + A) + L, a + r * A, size_t(A) * sizeof(float));
    }
  }

  void concat_task(float* X, const float* z, const float* emb, const float* a, int64_t rows,
                   int64_t per, int64_t L, int64_t T, int64_t A) {
    const int64_t W = L + T + A;
    for (int64_t r = 0; r < rows; ++r) {
      std::memcpy(X + r * W, z + r * L, size_t(L) * sizeof(float));
      std::memcpy(X + r * W + L, emb + (r / per) * T, size_t(T) * sizeof(float));
      if (A > 0) std::memcpy(X + r * W + L + T, a + r * A, size_t(A) * sizeof(float));
    }
  }

  void gather_tasks(float* emb, float* mask, const float* table, const float* masks,
                    const int32_t* ids, int64_t C, int64_t T, int64_t A) {
    for (int64_t b = 0; b < C; ++b) {
      std::memcpy(emb + b * T, table + int64_t(ids[b]) * T, size_t(T) * sizeof(float));
      std::memcpy(mask + b * A, masks + int64_t(ids[b]) * A, size_t(A) * sizeof(float));
    }
  }

  void place_pi(float* actions_t, const float* pi_a, int64_t C, int64_t N, int64_t P, int64_t A) {
    for (int64_t b = 0; b < C; ++b)
      std::memcpy(actions_t + b * N * A, pi_a + b * P * A, size_t(P * A) * sizeof(float));
  }

  void sample(float* actions, const float* xi, const float* mean, const float* std,
              const float* mask, int64_t C, int64_t H, int64_t N, int64_t P, int64_t A) {
    for (int64_t t = 0; t < H; ++t)
      for (int64_t b = 0; b < C; ++b) {
        float* a = actions + ((t * C + b) * N + P) * A;
        const float* x = xi + (b * H + t) * (N - P) * A;
        const float* mu = mean + (b * H + t) * A;
        const float* sd = std + (b * H + t) * A;
        for (int64_t n = 0; n < N - P; ++n)
          for (int64_t i = 0; i < A; ++i) a[n * A + i] = mppi_sample(mu[i], sd[i], x[n * A + i]);
        if (mask != nullptr)
          for (int64_t n = 0; n < N - P; ++n)
            for (int64_t i = 0; i < A; ++i) a[n * A + i] = a[n * A + i] * mask[b * A + i];
      }
  }

  void accumulate(float* G, const float* r, float disc, int64_t rows, bool first) {
    for (int64_t i = 0; i < rows; ++i) G[i] = (first ? 0.f : G[i]) + disc * r[i];
  }

  void bootstrap(float* V, const float* G, const float* qa, const float* qb, float disc,
                 int64_t rows) {
    for (int64_t i = 0; i < rows; ++i) V[i] = mppi_nan_to_num(G[i] + disc * ((qa[i] + qb[i]) / 2.f));
  }

  void update(const float* V, const float* actions, int32_t* elite, float* score, float* mean,
              float* std, const float* mask, int64_t C, int64_t N, const MppiShape& s) {
    const int64_t HA = s.H * s.A;
    for (int64_t b = 0; b < C; ++b) {
      mppi_top_k(V + b * N, N, s.Ke, elite + b * s.Ke);
      mppi_update(V + b * N, actions + b * N * s.A, C * N * s.A, elite + b * s.Ke, s,
                  mask != nullptr ? mask + b * s.A : nullptr, score + b * s.Ke, mean + b * HA,
                  std + b * HA);
    }
  }

  void select(float* out, const float* score, const int32_t* elite, const float* actions,
              const float* std, int64_t C, int64_t N, int64_t H, int64_t Ke, int64_t A,
              bool eval_mode, const MppiFinalDraws& d) {
    const int64_t HA = H * A;
    for (int64_t b = 0; b < C; ++b)
      mppi_select_action(score + b * Ke, elite + b * Ke, actions + b * N * A, std + b * HA, Ke, A,
                         eval_mode, rng[b], d, out + b * A);
  }

  void copy(float* dst, const float* src, int64_t n) {
    std::memcpy(dst, src, size_t(n) * sizeof(float));
  }
  void fill(float* dst, float v, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = v;
  }
  void upload(float* dst, const float* host, int64_t n) { copy(dst, host, n); }
  void download(float* host, const float* src, int64_t n) { copy(host, src, n); }
};

// The CPU planner: the workspace lives in one host allocation.
class CpuPlanner final : public Planner {
 public:
  CpuPlanner(const PlannerDims& dims, const PlannerConfig& cfg, int64_t batch, uint64_t seed,
             uint32_t stream_base)
      : Planner(dims, cfg, batch, seed, stream_base) {
    // Sizes first (a counting pass), then one allocation carved into the buffers.
    size_t total = 0;
    auto count = [&](int64_t n) {
      total += (size_t(n) + 15) / 16 * 16;  // keep every buffer 64-byte aligned
      return static_cast<float*>(nullptr);
    };
    allocate_plan_workspace(dims_, cfg_, layout_, chunk_, count);
    memory_ = host_alloc(total);
    float* at = memory_;
    ws_ = allocate_plan_workspace(dims_, cfg_, layout_, chunk_, [&](int64_t n) {
      float* p = at;
      at += (size_t(n) + 15) / 16 * 16;
      return p;
    });
  }
  ~CpuPlanner() override { host_free(memory_); }

  void plan(const PlannerNets& nets, const float* obs, const uint8_t* first_step,
            const int32_t* tasks, bool eval_mode, float* actions) override {
    packs_.next_epoch();  // weights may have changed since the last call: repack on first use
    CpuOps ops;
    ops.packs = &packs_;
    run_plan(ops, ws_, nets, obs, first_step, tasks, eval_mode, actions);
  }

 private:
  float* memory_ = nullptr;
  cpu::WeightPacks packs_;
  PlanWorkspace ws_{};
};

}  // namespace

std::unique_ptr<Planner> make_planner_cpu(const PlannerDims& dims, const PlannerConfig& cfg,
                                          int64_t batch, uint64_t seed, uint32_t stream_base) {
  return std::make_unique<CpuPlanner>(dims, cfg, batch, seed, stream_base);
}

}  // namespace tdmpc2
