// denseForward / denseBackward: validation, then the CPU or CUDA kernel (see tdmpc2/dense.h).
//
// Shapes: W is [N,K] (a plain layer, E = 1) or [E,N,K] (an ensemble). Per-member arrays carry
// the leading E exactly when W does: b/γ/β/db/dγ/dβ are [N] or [E,N], Y/H/dY/dH are [M,N] or
// [E,M,N], stats is [M,2] or [E,M,2]. X is [M,K] (shared by all members) or, with a 3-D W,
// [E,M,K] (one input per member); dX has X's shape.
#include <string>
#include <vector>

#include "addon.h"
#include "check.h"
#include "tdmpc2/dense.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {
namespace {

constexpr int64_t kMaxSafeInt = 9007199254740991;  // 2^53 − 1: the largest exact JS integer

struct Layer {
  const char* op;
  DenseEpilogue ep;
  DenseShape s;
  bool ensemble;  // W is 3-D
  bool ln;        // the epilogue has a LayerNorm
};

std::string p(const char* op, const char* name) { return std::string(op) + ": " + name + ": "; }

const char* epilogue_name(DenseEpilogue ep) {
  switch (ep) {
    case DenseEpilogue::None: return "none";
    case DenseEpilogue::LnMish: return "ln_mish";
    case DenseEpilogue::LnSimNorm: return "ln_simnorm";
  }
  return "?";
}

// The epilogue code, X and W: fixes E, M, K, N and the input mode.
Layer parse_layer(const Napi::CallbackInfo& info, const char* op, size_t ep_i, Tensor& X,
                  Tensor& W) {
  Layer L{op, DenseEpilogue(int_arg(info, ep_i, op, "epilogue", 0, 2)), {}, false, false};
  L.ln = L.ep != DenseEpilogue::None;
  if (W.ndim != 2 && W.ndim != 3)
    throw_range(p(op, "W") + "expected shape [N, K] or [E, N, K], got " + W.shape_string());
  L.ensemble = W.ndim == 3;
  L.s.E = L.ensemble ? W.shape[0] : 1;
  L.s.N = W.shape[W.ndim - 2];
  L.s.K = W.shape[W.ndim - 1];
  if (L.s.E < 1 || L.s.N < 1 || L.s.K < 1)
    throw_range(p(op, "W") + "every dimension must be at least 1, got " + W.shape_string());
  if (L.ensemble && X.ndim == 3) {
    require_shape(X, {L.s.E, -1, L.s.K}, op, "X");
    L.s.shared_input = false;
  } else {
    require_shape(X, {-1, L.s.K}, op, "X");
    L.s.shared_input = true;
  }
  L.s.M = X.shape[X.ndim - 2];
  return L;
}

// [E, n] or [n]
void require_param(const Tensor& t, const Layer& L, int64_t n, const char* name) {
  if (L.ensemble) require_shape(t, {L.s.E, n}, L.op, name);
  else require_shape(t, {n}, L.op, name);
}

// [E, M, cols] or [M, cols]
void require_rows(const Tensor& t, const Layer& L, int64_t cols, const char* name) {
  if (L.ensemble) require_shape(t, {L.s.E, L.s.M, cols}, L.op, name);
  else require_shape(t, {L.s.M, cols}, L.op, name);
}

// γ/β (and their gradients, and H/stats): required by the LayerNorm epilogues, meaningless
// without one.
Tensor* ln_tensor(const Napi::CallbackInfo& info, size_t i, const Layer& L, const char* name,
                  bool required_with_ln) {
  Tensor* t = optional_tensor_arg(info, i, L.op, name);
  if (t == nullptr && L.ln && required_with_ln)
    throw_type(p(L.op, name) + "expected a tensor for the " + epilogue_name(L.ep) +
               " epilogue, got " + describe_js_value(info[i]));
  if (t != nullptr && !L.ln)
    throw_range(p(L.op, name) + "must be null for the none epilogue (it has no LayerNorm)");
  return t;
}

// p, seed, stream, offset at i..i+3.
DenseDropout parse_dropout(const Napi::CallbackInfo& info, size_t i, const char* op) {
  DenseDropout d;
  const double rate = number_arg(info, i, op, "p");
  if (!(rate >= 0.0 && rate < 1.0))
    throw_range(p(op, "p") + "expected a dropout probability in [0, 1), got " +
                std::to_string(rate));
  d.p = float(rate);
  if (rate > 0.0 && d.p >= 1.f)  // rounds to 1 in float32
    throw_range(p(op, "p") + "expected a dropout probability in [0, 1), got " +
                std::to_string(rate) + " (1 in float32)");
  d.seed = uint64_t(int_arg(info, i + 1, op, "seed", 0, kMaxSafeInt));
  d.stream = uint32_t(int_arg(info, i + 2, op, "stream", 0, 4294967295LL));
  d.offset = uint64_t(int_arg(info, i + 3, op, "offset", 0, kMaxSafeInt));
  return d;
}

int64_t parse_group(const Napi::CallbackInfo& info, size_t i, const Layer& L) {
  const int64_t V = int_arg(info, i, L.op, "V", 1, kMaxElements);
  if (L.ep == DenseEpilogue::LnSimNorm && L.s.N % V != 0)
    throw_range(p(L.op, "V") + "the SimNorm group size must divide N = " + std::to_string(L.s.N) +
                ", got " + std::to_string(V));
  return V;
}

struct Named {
  Tensor* t;
  const char* name;
};

// Same device as X; outputs overlap neither the inputs nor each other.
void require_placement(const Layer& L, const Tensor& X, const std::vector<Named>& inputs,
                       const std::vector<Named>& outputs) {
  for (const auto& v : {inputs, outputs})
    for (const Named& n : v)
      if (n.t != nullptr) require_same_device(X, "X", *n.t, n.name, L.op);
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].t == nullptr) continue;
    for (const Named& in : inputs)
      if (in.t != nullptr) require_no_overlap(*outputs[i].t, outputs[i].name, *in.t, in.name, L.op);
    for (size_t j = i + 1; j < outputs.size(); ++j)
      if (outputs[j].t != nullptr)
        require_no_overlap(*outputs[i].t, outputs[i].name, *outputs[j].t, outputs[j].name, L.op);
  }
}

const float* data_or_null(const Tensor* t) { return t != nullptr ? t->data : nullptr; }
float* mutable_or_null(Tensor* t) { return t != nullptr ? t->data : nullptr; }

// denseForward(epilogue, X, W, b, gamma, beta, Y, H, stats, p, seed, stream, offset, V)
Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  const char* op = "denseForward";
  require_arg_count(info, 14, op,
                    "(epilogue, X, W, b, gamma, beta, Y, H, stats, p, seed, stream, offset, V)");
  Tensor& X = tensor_arg(info, 1, op, "X");
  Tensor& W = tensor_arg(info, 2, op, "W");
  const Layer L = parse_layer(info, op, 0, X, W);
  Tensor* b = optional_tensor_arg(info, 3, op, "b");
  if (b != nullptr) require_param(*b, L, L.s.N, "b");
  Tensor* gamma = ln_tensor(info, 4, L, "gamma", true);
  Tensor* beta = ln_tensor(info, 5, L, "beta", true);
  if (gamma != nullptr) require_param(*gamma, L, L.s.N, "gamma");
  if (beta != nullptr) require_param(*beta, L, L.s.N, "beta");
  Tensor& Y = tensor_arg(info, 6, op, "Y");
  require_rows(Y, L, L.s.N, "Y");
  Tensor* H = ln_tensor(info, 7, L, "H", false);
  Tensor* stats = ln_tensor(info, 8, L, "stats", false);
  if (H != nullptr) require_rows(*H, L, L.s.N, "H");
  if (stats != nullptr) require_rows(*stats, L, 2, "stats");
  if ((H == nullptr) != (stats == nullptr))
    throw_range(std::string(op) + ": H and stats: pass both (training: saved for backward) or " +
                "neither (inference), got " + (H ? "H without stats" : "stats without H"));
  const DenseDropout drop = parse_dropout(info, 9, op);
  const int64_t V = parse_group(info, 13, L);
  require_placement(L, X, {{&X, "X"}, {&W, "W"}, {b, "b"}, {gamma, "gamma"}, {beta, "beta"}},
                    {{&Y, "Y"}, {H, "H"}, {stats, "stats"}});
  if (L.s.M == 0) return info.Env().Undefined();
  const DenseParams params{W.data, data_or_null(b), data_or_null(gamma), data_or_null(beta)};
#ifdef TDMPC2_WITH_CUDA
  if (!X.on_cpu()) {
    cuda_set_device(X.device);
    dense_forward_cuda(L.ep, V, L.s, drop, X.data, params, Y.data, mutable_or_null(H),
                       mutable_or_null(stats));
    return info.Env().Undefined();
  }
#endif
  dense_forward_cpu(L.ep, V, L.s, drop, X.data, params, Y.data, mutable_or_null(H),
                    mutable_or_null(stats));
  return info.Env().Undefined();
}

// denseBackward(epilogue, X, W, gamma, beta, H, stats, dY, dH, dX, dW, db, dgamma, dbeta,
//               p, seed, stream, offset, V, dxBegin, dxEnd): dX is written in columns
//               [dxBegin, dxEnd) only (0 and K: all of it)
Napi::Value DenseBackward(const Napi::CallbackInfo& info) {
  const char* op = "denseBackward";
  require_arg_count(info, 21, op,
                    "(epilogue, X, W, gamma, beta, H, stats, dY, dH, dX, dW, db, dgamma, dbeta, "
                    "p, seed, stream, offset, V, dxBegin, dxEnd)");
  Tensor& X = tensor_arg(info, 1, op, "X");
  Tensor& W = tensor_arg(info, 2, op, "W");
  const Layer L = parse_layer(info, op, 0, X, W);
  Tensor* gamma = ln_tensor(info, 3, L, "gamma", true);
  Tensor* beta = ln_tensor(info, 4, L, "beta", true);
  Tensor* H = ln_tensor(info, 5, L, "H", true);
  Tensor* stats = ln_tensor(info, 6, L, "stats", true);
  if (gamma != nullptr) require_param(*gamma, L, L.s.N, "gamma");
  if (beta != nullptr) require_param(*beta, L, L.s.N, "beta");
  if (H != nullptr) require_rows(*H, L, L.s.N, "H");
  if (stats != nullptr) require_rows(*stats, L, 2, "stats");
  Tensor& dY = tensor_arg(info, 7, op, "dY");
  require_rows(dY, L, L.s.N, "dY");
  Tensor& dH = tensor_arg(info, 8, op, "dH");
  require_rows(dH, L, L.s.N, "dH");
  Tensor* dX = optional_tensor_arg(info, 9, op, "dX");
  if (dX != nullptr) {
    if (L.s.shared_input) require_shape(*dX, {L.s.M, L.s.K}, op, "dX");
    else require_shape(*dX, {L.s.E, L.s.M, L.s.K}, op, "dX");
  }
  Tensor* dW = optional_tensor_arg(info, 10, op, "dW");
  if (dW != nullptr) {
    if (L.ensemble) require_shape(*dW, {L.s.E, L.s.N, L.s.K}, op, "dW");
    else require_shape(*dW, {L.s.N, L.s.K}, op, "dW");
  }
  Tensor* db = optional_tensor_arg(info, 11, op, "db");
  if (db != nullptr) require_param(*db, L, L.s.N, "db");
  Tensor* dgamma = ln_tensor(info, 12, L, "dgamma", false);
  Tensor* dbeta = ln_tensor(info, 13, L, "dbeta", false);
  if (dgamma != nullptr) require_param(*dgamma, L, L.s.N, "dgamma");
  if (dbeta != nullptr) require_param(*dbeta, L, L.s.N, "dbeta");
  const DenseDropout drop = parse_dropout(info, 14, op);
  const int64_t V = parse_group(info, 18, L);
  const int64_t dx_begin = int_arg(info, 19, op, "dxBegin", 0, L.s.K - 1);
  const int64_t dx_end = int_arg(info, 20, op, "dxEnd", dx_begin + 1, L.s.K);
  require_placement(L, X,
                    {{&X, "X"}, {&W, "W"}, {gamma, "gamma"}, {beta, "beta"}, {H, "H"},
                     {stats, "stats"}, {&dY, "dY"}},
                    {{&dH, "dH"}, {dX, "dX"}, {dW, "dW"}, {db, "db"}, {dgamma, "dgamma"},
                     {dbeta, "dbeta"}});
  if (L.s.M == 0) return info.Env().Undefined();  // no rows: no gradient to add, dX is empty
  const DenseParams params{W.data, nullptr, data_or_null(gamma), data_or_null(beta)};
  const DenseGrads grads{dH.data,         mutable_or_null(dX),     mutable_or_null(dW),
                         mutable_or_null(db), mutable_or_null(dgamma), mutable_or_null(dbeta),
                         dx_begin,            dx_end};
#ifdef TDMPC2_WITH_CUDA
  if (!X.on_cpu()) {
    cuda_set_device(X.device);
    dense_backward_cuda(L.ep, V, L.s, drop, X.data, params, data_or_null(H), data_or_null(stats),
                        dY.data, grads);
    return info.Env().Undefined();
  }
#endif
  dense_backward_cpu(L.ep, V, L.s, drop, X.data, params, data_or_null(H), data_or_null(stats),
                     dY.data, grads);
  return info.Env().Undefined();
}

// The open frozen spans of the main thread: the storage of each declared tensor, held so that its
// memory cannot be freed and reused by another tensor (whose weights would then match a stale
// pack) while the span is open, even when the handle is disposed.
struct FrozenSpans {
  std::vector<std::shared_ptr<Storage>> storage;
  std::vector<size_t> starts;
  std::vector<WeightRange> ranges;  // scratch of one call (keeps its capacity)
};

FrozenSpans& frozen_spans() {
  static FrozenSpans spans;  // JS calls come on the main thread only
  return spans;
}

// denseFreezeWeights(tensors): opens a frozen span of the main thread's CPU dense calls over
// these tensors (dense_freeze_weights_cpu): a layer whose W lies in one of them is packed for the
// GEMM once until denseThawWeights(). CUDA tensors are accepted and ignored (nothing is packed).
Napi::Value DenseFreezeWeights(const Napi::CallbackInfo& info) {
  const char* op = "denseFreezeWeights";
  require_arg_count(info, 1, op, "(tensors)");
  if (!info[0].IsArray())
    throw_type(std::string(op) + ": tensors: expected an array of tensors, got " +
               describe_js_value(info[0]));
  const Napi::Array arr = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {  // validate all before changing any state
    const Napi::Value v = arr.Get(i);
    const auto where = [&] { return std::string(op) + ": tensors[" + std::to_string(i) + "]: "; };
    const TensorBox* box = unwrap_tensor(v);
    if (box == nullptr) throw_type(where() + "expected a tensor, got " + describe_js_value(v));
    if (!box->storage) throw Error(ErrorKind::Disposed, where() + "tensor was disposed");
  }
  FrozenSpans& f = frozen_spans();
  f.ranges.clear();
  f.starts.push_back(f.storage.size());
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    const TensorBox* box = unwrap_tensor(arr.Get(i));
    if (!box->t.on_cpu()) continue;
    f.storage.push_back(box->storage);
    f.ranges.push_back(WeightRange{box->t.data, box->t.numel()});
  }
  dense_freeze_weights_cpu(f.ranges.data(), int64_t(f.ranges.size()));
  return info.Env().Undefined();
}

// denseThawWeights(): closes the innermost frozen span (none open: nothing happens).
Napi::Value DenseThawWeights(const Napi::CallbackInfo& info) {
  require_arg_count(info, 0, "denseThawWeights", "()");
  FrozenSpans& f = frozen_spans();
  if (f.starts.empty()) return info.Env().Undefined();
  dense_thaw_weights_cpu();
  f.storage.resize(f.starts.back());
  f.starts.pop_back();
  return info.Env().Undefined();
}

// denseFrozenPacks() -> the packed weight matrices the main thread keeps for its frozen spans.
Napi::Value DenseFrozenPacks(const Napi::CallbackInfo& info) {
  require_arg_count(info, 0, "denseFrozenPacks", "()");
  return Napi::Number::New(info.Env(), double(dense_frozen_packs_cpu()));
}

}  // namespace

TDMPC2_EXPORT("denseForward", DenseForward);
TDMPC2_EXPORT("denseBackward", DenseBackward);
TDMPC2_EXPORT("denseFreezeWeights", DenseFreezeWeights);
TDMPC2_EXPORT("denseThawWeights", DenseThawWeights);
TDMPC2_EXPORT("denseFrozenPacks", DenseFrozenPacks);

}  // namespace tdmpc2::binding
