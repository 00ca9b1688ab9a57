// Packed weights kept between the GEMMs that reuse them. A layer's weights are multiplied by many
// inputs between two changes: every rollout step of a plan call, the H steps of the update's
// latent rollout and their backward. Packing them for the micro-kernel once per such span, instead
// of once per product, is what this cache is for.
//
// Entries are keyed by the weights' address, member count, shape and form, and are valid for one
// epoch: the span in which the owner guarantees that no weight it passes changes and that the
// memory stays the weights' (one plan call; one frozen span of the update, dense.h). A new epoch
// repacks each entry on its next use into the storage it already has.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "gemm.h"

namespace tdmpc2::cpu {

class WeightPacks {
 public:
  // The E members of op(B)[K,N], member e at W + e·K·N: B_e = W_e[N,K] read transposed
  // (transposed = true: X·Wᵀ) or B_e[K,N] row-major (false: dY·W). Packs them on their first use
  // in this epoch; returns E PackedB, valid until the next next_epoch().
  const PackedB* get(const float* W, int64_t E, int64_t K, int64_t N, bool transposed);

  // Weights may have changed: every entry repacks on its next use. Entries left unused for
  // kIdleEpochs epochs are freed, so a long-lived thread that meets many models keeps no dead
  // copies, while the spans that alternate (the update's two) keep their storage.
  void next_epoch();

  size_t entries() const { return entries_.size(); }

 private:
  static constexpr uint64_t kIdleEpochs = 8;
  struct Entry {
    const float* W = nullptr;
    int64_t E = 0, K = 0, N = 0;
    bool transposed = false;
    uint64_t packed_in = 0;  // the epoch of the current packing; 0: none
    uint64_t used_in = 0;
    std::vector<PackedB> members;
  };
  std::vector<std::unique_ptr<Entry>> entries_;  // pointers stay put as the list grows
  uint64_t epoch_ = 1;
};

}  // namespace tdmpc2::cpu
