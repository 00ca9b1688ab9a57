#include "weight_packs.h"

#include <algorithm>

namespace tdmpc2::cpu {

const PackedB* WeightPacks::get(const float* W, int64_t E, int64_t K, int64_t N,
                                bool transposed) {
  Entry* entry = nullptr;
  for (const auto& e : entries_)
    if (e->W == W && e->E == E && e->K == K && e->N == N && e->transposed == transposed) {
      entry = e.get();
      break;
    }
  if (entry == nullptr) {  // grows while the first spans meet the layers; then reused
    entries_.push_back(std::make_unique<Entry>());
    entry = entries_.back().get();
    entry->W = W, entry->E = E, entry->K = K, entry->N = N, entry->transposed = transposed;
    entry->members.resize(size_t(E));
  }
  entry->used_in = epoch_;
  if (entry->packed_in != epoch_) {
    const int64_t ldb = transposed ? K : N;
    for (int64_t e = 0; e < E; ++e)
      entry->members[size_t(e)].pack(K, N, W + e * K * N, ldb, transposed);
    entry->packed_in = epoch_;
  }
  return entry->members.data();
}

void WeightPacks::next_epoch() {
  ++epoch_;
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const std::unique_ptr<Entry>& e) {
                                  return epoch_ - e->used_in > kIdleEpochs;
                                }),
                 entries_.end());
}

}  // namespace tdmpc2::cpu
