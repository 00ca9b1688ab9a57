// Random tensors on CUDA: one thread per Philox block (four outputs), grid-stride. Same numbers as
// native/cpu/rng.cc for the same address: both call rng_uniform4 / rng_normal4 (math/philox.h).
#include <algorithm>

#include "common.cuh"
#include "tdmpc2/math.h"
#include "tdmpc2/rng.h"

namespace tdmpc2 {
namespace {

constexpr int kThreads = 256;
constexpr unsigned kMaxBlocks = 4096;  // enough to fill any current GPU; the loop strides beyond

template <bool kNormal>
__global__ void rng_kernel(float* out, int64_t n, uint64_t seed, uint32_t stream,
                           uint64_t offset) {
  const int64_t blocks = (n + 3) / 4;
  const int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t b = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; b < blocks; b += stride) {
    float vals[4];
    if (kNormal)
      rng_normal4(seed, stream, offset + uint64_t(b), vals);
    else
      rng_uniform4(seed, stream, offset + uint64_t(b), vals);
    const int64_t base = 4 * b;
    const int count = int(min(int64_t(4), n - base));
    for (int l = 0; l < count; ++l) out[base + l] = vals[l];
  }
}

template <bool kNormal>
void launch(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset) {
  if (n <= 0) return;
  const unsigned grid = std::min(cuda::blocks_for((n + 3) / 4, kThreads), kMaxBlocks);
  rng_kernel<kNormal><<<grid, kThreads>>>(out, n, seed, stream, offset);
  cuda::check_launch(kNormal ? "rng_kernel<normal>" : "rng_kernel<uniform>");
}

}  // namespace

void rng_uniform_cuda(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset) {
  launch<false>(out, n, seed, stream, offset);
}

void rng_normal_cuda(float* out, int64_t n, uint64_t seed, uint32_t stream, uint64_t offset) {
  launch<true>(out, n, seed, stream, offset);
}

}  // namespace tdmpc2
