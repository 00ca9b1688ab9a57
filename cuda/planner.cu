// The planner on CUDA (semantics in tdmpc2/planner.h): the orchestration of planner_driver.h
// (shared with the CPU planner) over device kernels. The layers run through dense_forward_cuda,
// two_hot_inv_forward_cuda and policy_forward_cuda; the planner's own steps are small kernels
// here: element-parallel for sampling, copies and value sums, one thread per environment for the
// elite selection, the mean/std update and the action choice (the math/mppi.h functions the CPU
// loops call). Everything runs on the default stream, so the launches are ordered; the host
// waits only for the final copies back (actions stay on the device). A straightforward twin:
// the CUDA-graph version that removes the launch overhead is separate work.
#include <cstring>
#include <vector>

#include "common.cuh"
#include "tdmpc2/critic.h"
#include "tdmpc2/cuda_device.h"
#include "tdmpc2/dense.h"
#include "tdmpc2/math/mppi.h"
#include "tdmpc2/math/philox.h"
#include "tdmpc2/planner_driver.h"
#include "tdmpc2/policy.h"

namespace tdmpc2 {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = int64_t(1) << 20;  // grid-stride beyond this

unsigned grid(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return unsigned(b < 1 ? 1 : (b < kMaxBlocks ? b : kMaxBlocks));
}

#define TDMPC2_FOR(i, n) \
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

// out[c·n + k] = normal number k of env c's draw at its offset + block.
__global__ void normals_kernel(float* out, int64_t C, int64_t n, const EnvRng* rng,
                               uint64_t block) {
  TDMPC2_FOR(i, C * n) {
    const EnvRng r = rng[i / n];
    out[i] = rng_normal(r.seed, r.stream, r.offset + block, uint64_t(i % n));
  }
}

__global__ void repeat_rows_kernel(float* dst, const float* src, int64_t C, int64_t reps,
                                   int64_t width) {
  TDMPC2_FOR(i, C * reps * width) {
    const int64_t row = i / width, k = i % width;
    dst[i] = src[(row / reps) * width + k];
  }
}

__global__ void concat_kernel(float* X, const float* z, const float* a, int64_t rows, int64_t L,
                              int64_t A) {
  TDMPC2_FOR(i, rows * (L + A)) {
    const int64_t r = i / (L + A), k = i % (L + A);
    X[i] = k < L ? z[r * L + k] : a[r * A + (k - L)];
  }
}

// X row r = [z row r, emb row r/per, a row r] (a absent when A = 0): the multitask inputs.
__global__ void concat_task_kernel(float* X, const float* z, const float* emb, const float* a,
                                   int64_t rows, int64_t per, int64_t L, int64_t T, int64_t A) {
  const int64_t W = L + T + A;
  TDMPC2_FOR(i, rows * W) {
    const int64_t r = i / W, k = i % W;
    X[i] = k < L ? z[r * L + k] : (k < L + T ? emb[(r / per) * T + (k - L)] : a[r * A + (k - L - T)]);
  }
}

// Env c's task rows: emb[c] = table[ids[c]], mask[c] = masks[ids[c]] (ids on the device).
__global__ void gather_tasks_kernel(float* emb, float* mask, const float* table,
                                    const float* masks, const int32_t* ids, int64_t C, int64_t T,
                                    int64_t A) {
  TDMPC2_FOR(i, C * (T + A)) {
    const int64_t c = i / (T + A), k = i % (T + A);
    const int64_t id = ids[c];
    if (k < T) emb[c * T + k] = table[id * T + k];
    else mask[c * A + (k - T)] = masks[id * A + (k - T)];
  }
}

// actions_t row b·N + p = pi_a row b·P + p, p < P.
__global__ void place_pi_kernel(float* actions_t, const float* pi_a, int64_t C, int64_t N,
                                int64_t P, int64_t A) {
  TDMPC2_FOR(i, C * P * A) {
    const int64_t b = i / (P * A), rest = i % (P * A);
    actions_t[b * N * A + rest] = pi_a[i];
  }
}

// actions[t][b][P + n][i] = clamp(mean[b][t][i] + std[b][t][i]·xi[b][t][n][i], −1, 1)
// (× mask[b][i] when a mask is given: multitask).
__global__ void sample_kernel(float* actions, const float* xi, const float* mean,
                              const float* std, const float* mask, int64_t C, int64_t H,
                              int64_t N, int64_t P, int64_t A) {
  const int64_t S = N - P;
  TDMPC2_FOR(j, C * H * S * A) {
    const int64_t i = j % A, n = (j / A) % S, t = (j / (A * S)) % H, b = j / (A * S * H);
    const int64_t ta = (b * H + t) * A + i;
    float a = mppi_sample(mean[ta], std[ta], xi[j]);
    if (mask != nullptr) a = a * mask[b * A + i];
    actions[((t * C + b) * N + P + n) * A + i] = a;
  }
}

__global__ void accumulate_kernel(float* G, const float* r, float disc, int64_t rows, bool first) {
  TDMPC2_FOR(i, rows) G[i] = (first ? 0.f : G[i]) + disc * r[i];
}

__global__ void bootstrap_kernel(float* V, const float* G, const float* qa, const float* qb,
                                 float disc, int64_t rows) {
  TDMPC2_FOR(i, rows) V[i] = mppi_nan_to_num(G[i] + disc * ((qa[i] + qb[i]) / 2.f));
}

// One thread per env: elites, scores, mean and std (math/mppi.h).
__global__ void update_kernel(const float* V, const float* actions, int32_t* elite, float* score,
                              float* mean, float* std, const float* mask, int64_t C, int64_t N,
                              MppiShape s) {
  TDMPC2_FOR(b, C) {
    const int64_t HA = s.H * s.A;
    mppi_top_k(V + b * N, N, s.Ke, elite + b * s.Ke);
    mppi_update(V + b * N, actions + b * N * s.A, C * N * s.A, elite + b * s.Ke, s,
                mask != nullptr ? mask + b * s.A : nullptr, score + b * s.Ke, mean + b * HA,
                std + b * HA);
  }
}

__global__ void select_kernel(float* out, const float* score, const int32_t* elite,
                              const float* actions, const float* std, int64_t C, int64_t N,
                              int64_t H, int64_t Ke, int64_t A, bool eval_mode, const EnvRng* rng,
                              MppiFinalDraws d) {
  TDMPC2_FOR(b, C) {
    mppi_select_action(score + b * Ke, elite + b * Ke, actions + b * N * A, std + b * H * A, Ke,
                       A, eval_mode, rng[b], d, out + b * A);
  }
}

struct CudaOps {
  int device;
  EnvRng* rng_dev;   // [chunk] this chunk's addresses
  int32_t* ids_dev;  // [chunk] this chunk's task ids (multitask)
  int64_t C = 0;

  void begin_chunk(const EnvRng* rng, int64_t n) {
    C = n;
    TDMPC2_CUDA_CHECK(cudaMemcpy(rng_dev, rng, size_t(n) * sizeof(EnvRng), cudaMemcpyHostToDevice));
  }

  void dense(DenseEpilogue ep, int64_t V, int64_t rows, int64_t K, int64_t N, const float* X,
             const DenseParams& p, float* Y) {
    dense_forward_cuda(ep, V, DenseShape{1, rows, K, N, true}, DenseDropout{}, X, p, Y, nullptr,
                       nullptr);
  }

  void two_hot_inv(const float* logits, float* value, int64_t rows, TwoHotBins bins) {
    two_hot_inv_forward_cuda(logits, value, rows, bins);
  }

  void policy(const float* raw, const float* eps, const float* mask, int64_t per, float* action,
              int64_t rows, int64_t A, PolicyRange range) {
    if (mask == nullptr) {
      policy_forward_cuda(raw, eps, nullptr, 0, action, nullptr, nullptr, nullptr, nullptr,
                          nullptr, rows, A, range);
      return;
    }
    // Multitask: one launch per env with that env's mask (the CPU planner's loop).
    for (int64_t r0 = 0; r0 < rows; r0 += per)
      policy_forward_cuda(raw + r0 * 2 * A, eps + r0 * A, mask + (r0 / per) * A, 0,
                          action + r0 * A, nullptr, nullptr, nullptr, nullptr, nullptr, per, A,
                          range);
  }

  void concat_task(float* X, const float* z, const float* emb, const float* a, int64_t rows,
                   int64_t per, int64_t L, int64_t T, int64_t A) {
    concat_task_kernel<<<grid(rows * (L + T + A)), kThreads>>>(X, z, emb, a, rows, per, L, T, A);
    cuda::check_launch("concat_task_kernel");
  }

  void gather_tasks(float* emb, float* mask, const float* table, const float* masks,
                    const int32_t* ids, int64_t n_env, int64_t T, int64_t A) {
    TDMPC2_CUDA_CHECK(cudaMemcpy(ids_dev, ids, size_t(n_env) * sizeof(int32_t),
                                 cudaMemcpyHostToDevice));
    gather_tasks_kernel<<<grid(n_env * (T + A)), kThreads>>>(emb, mask, table, masks, ids_dev,
                                                             n_env, T, A);
    cuda::check_launch("gather_tasks_kernel");
  }

  void normals(float* out, int64_t n_env, int64_t n, uint64_t block) {
    if (n_env * n == 0) return;
    normals_kernel<<<grid(n_env * n), kThreads>>>(out, n_env, n, rng_dev, block);
    cuda::check_launch("normals_kernel");
  }

  void repeat_rows(float* dst, const float* src, int64_t n_env, int64_t reps, int64_t width) {
    repeat_rows_kernel<<<grid(n_env * reps * width), kThreads>>>(dst, src, n_env, reps, width);
    cuda::check_launch("repeat_rows_kernel");
  }

  void concat(float* X, const float* z, const float* a, int64_t rows, int64_t L, int64_t A) {
    concat_kernel<<<grid(rows * (L + A)), kThreads>>>(X, z, a, rows, L, A);
    cuda::check_launch("concat_kernel");
  }

  void place_pi(float* actions_t, const float* pi_a, int64_t n_env, int64_t N, int64_t P,
                int64_t A) {
    place_pi_kernel<<<grid(n_env * P * A), kThreads>>>(actions_t, pi_a, n_env, N, P, A);
    cuda::check_launch("place_pi_kernel");
  }

  void sample(float* actions, const float* xi, const float* mean, const float* std,
              const float* mask, int64_t n_env, int64_t H, int64_t N, int64_t P, int64_t A) {
    sample_kernel<<<grid(n_env * H * (N - P) * A), kThreads>>>(actions, xi, mean, std, mask,
                                                               n_env, H, N, P, A);
    cuda::check_launch("sample_kernel");
  }

  void accumulate(float* G, const float* r, float disc, int64_t rows, bool first) {
    accumulate_kernel<<<grid(rows), kThreads>>>(G, r, disc, rows, first);
    cuda::check_launch("accumulate_kernel");
  }

  void bootstrap(float* V, const float* G, const float* qa, const float* qb, float disc,
                 int64_t rows) {
    bootstrap_kernel<<<grid(rows), kThreads>>>(V, G, qa, qb, disc, rows);
    cuda::check_launch("bootstrap_kernel");
  }

  void update(const float* V, const float* actions, int32_t* elite, float* score, float* mean,
              float* std, const float* mask, int64_t n_env, int64_t N, const MppiShape& s) {
    update_kernel<<<grid(n_env), kThreads>>>(V, actions, elite, score, mean, std, mask, n_env, N,
                                             s);
    cuda::check_launch("update_kernel");
  }

  void select(float* out, const float* score, const int32_t* elite, const float* actions,
              const float* std, int64_t n_env, int64_t N, int64_t H, int64_t Ke, int64_t A,
              bool eval_mode, const MppiFinalDraws& d) {
    select_kernel<<<grid(n_env), kThreads>>>(out, score, elite, actions, std, n_env, N, H, Ke, A,
                                             eval_mode, rng_dev, d);
    cuda::check_launch("select_kernel");
  }

  void copy(float* dst, const float* src, int64_t n) {
    TDMPC2_CUDA_CHECK(cudaMemcpyAsync(dst, src, size_t(n) * sizeof(float),
                                      cudaMemcpyDeviceToDevice, 0));
  }
  void fill(float* dst, float v, int64_t n) { cuda_fill(dst, v, size_t(n), device); }
  void upload(float* dst, const float* host, int64_t n) {
    cuda_copy_to_device(dst, host, size_t(n), device);
  }
  void download(float* host, const float* src, int64_t n) {
    cuda_copy_to_host(host, src, size_t(n), device);
  }
};

class CudaPlanner final : public Planner {
 public:
  CudaPlanner(const PlannerDims& dims, const PlannerConfig& cfg, int64_t batch, uint64_t seed,
              uint32_t stream_base, int device)
      : Planner(dims, cfg, batch, seed, stream_base), device_(device) {
    cuda_set_device(device);
    size_t total = 0;
    auto count = [&](int64_t n) {
      total += (size_t(n) + 63) / 64 * 64;  // 256-byte aligned buffers
      return static_cast<float*>(nullptr);
    };
    allocate_plan_workspace(dims_, cfg_, layout_, chunk_, count);
    memory_ = cuda_alloc(total, device);
    float* at = memory_;
    ws_ = allocate_plan_workspace(dims_, cfg_, layout_, chunk_, [&](int64_t n) {
      float* p = at;
      at += (size_t(n) + 63) / 64 * 64;
      return p;
    });
    const cudaError_t e = cudaMalloc(&rng_dev_, size_t(chunk_) * sizeof(EnvRng));
    if (e != cudaSuccess) {
      cuda_free(memory_, device);
      cuda::throw_cuda(e, "cudaMalloc (planner RNG table)");
    }
    if (dims.task_dim > 0) {
      const cudaError_t e2 = cudaMalloc(&ids_dev_, size_t(chunk_) * sizeof(int32_t));
      if (e2 != cudaSuccess) {
        cuda_free(memory_, device);
        cudaFree(rng_dev_);
        cuda::throw_cuda(e2, "cudaMalloc (planner task ids)");
      }
    }
  }

  ~CudaPlanner() override {
    cuda_free(memory_, device_);
    if (cudaSetDevice(device_) == cudaSuccess) {
      cudaFree(rng_dev_);
      if (ids_dev_ != nullptr) cudaFree(ids_dev_);
    }
  }

  void plan(const PlannerNets& nets, const float* obs, const uint8_t* first_step,
            const int32_t* tasks, bool eval_mode, float* actions) override {
    cuda_set_device(device_);  // this may be a worker thread (plannerPlanAsync)
    CudaOps ops{device_, rng_dev_, ids_dev_};
    run_plan(ops, ws_, nets, obs, first_step, tasks, eval_mode, actions);
    TDMPC2_CUDA_CHECK(cudaStreamSynchronize(0));  // surface faults of this call here
  }

 private:
  int device_;
  float* memory_ = nullptr;
  EnvRng* rng_dev_ = nullptr;
  int32_t* ids_dev_ = nullptr;
  PlanWorkspace ws_{};
};

}  // namespace

std::unique_ptr<Planner> make_planner_cuda(const PlannerDims& dims, const PlannerConfig& cfg,
                                           int64_t batch, uint64_t seed, uint32_t stream_base,
                                           int device) {
  return std::make_unique<CudaPlanner>(dims, cfg, batch, seed, stream_base, device);
}

}  // namespace tdmpc2
