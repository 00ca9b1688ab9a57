// The planner's exports (semantics in tdmpc2/planner.h): plannerCreate, plannerPlan,
// plannerPlanAsync (an AsyncWorker off the main thread, inputs pinned), plannerDispose. The
// state accessors are in planner_state.cc.
#include <string>

#include "addon.h"
#include "check.h"
#include "planner_handle.h"
#ifdef TDMPC2_WITH_CUDA
#include "tdmpc2/cuda_device.h"
#endif

namespace tdmpc2::binding {

namespace {
constexpr napi_type_tag kPlannerTag = {0x2f8e61c4a7d35b90ULL, 0x91c0b7e34d6a2f18ULL};
constexpr int64_t kMaxUint32 = 4294967295LL;
constexpr int64_t kMaxSafe = 9007199254740991LL;
// 4 environments at N = 512: measured on one core, larger chunks lose more to cache misses between
// layers (the activations outgrow L2) than they gain in GEMM efficiency (docs/planner.md).
constexpr int64_t kDefaultChunkRows = 2048;
// On CUDA a chunk must fill the GPU: 128 environments at N = 512 (the workspace is ~10.7 KB per
// row for a 5M model, ~0.7 GB at this size; it is allocated for min(B, chunk) environments).
constexpr int64_t kDefaultChunkRowsCuda = 65536;
}  // namespace

Napi::Value wrap_planner(Napi::Env env, PlannerBox* box) {
  auto ext = Napi::External<PlannerBox>::New(env, box, [](Napi::Env, PlannerBox* b) { delete b; });
  ext.TypeTag(&kPlannerTag);
  return ext;
}

PlannerBox* unwrap_planner(Napi::Value value) {
  if (!value.IsExternal()) return nullptr;
  auto ext = value.As<Napi::External<PlannerBox>>();
  if (!ext.CheckTypeTag(&kPlannerTag)) return nullptr;
  return ext.Data();
}

PlannerBox& planner_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  PlannerBox* box = unwrap_planner(info[i]);
  if (box == nullptr)
    throw_type(std::string(op) + ": planner: expected a planner handle, got " +
               describe_js_value(info[i]));
  if (!box->planner) throw Error(ErrorKind::Disposed, std::string(op) + ": planner was disposed");
  if (box->busy)
    throw Error(ErrorKind::Runtime, std::string(op) +
                                        ": planner is busy with a running plannerPlanAsync; "
                                        "await it first (calls on one planner never overlap)");
  return *box;
}

namespace {

std::string pfx(const char* op, const char* name) { return std::string(op) + ": " + name + ": "; }

// A finite number in [lo, hi] (open at lo when open_lo).
double bounded_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name,
                   double lo, double hi, bool open_lo = false) {
  const double v = number_arg(info, i, op, name);
  if (!std::isfinite(v) || v < lo || v > hi || (open_lo && v == lo))
    throw_range(pfx(op, name) + "expected a finite number in " + (open_lo ? "(" : "[") +
                std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(v));
  return v;
}

// plannerCreate(device, batch, obsDim, actionDim, latentDim, encDim, numEncLayers, mlpDim,
//               numBins, vmin, vmax, numQ, simnormDim, horizon, iterations, numSamples,
//               numElites, numPiTrajs, minStd, maxStd, temperature, discount, logStdMin,
//               logStdMax, fullEnsemble, seed, streamBase, maxChunkRows, taskDim, numTasks,
//               taskDiscounts) -> planner
// maxChunkRows 0 = the default (2048 rows per GEMM on the CPU, 65536 on CUDA). taskDim =
// numTasks = 0 and an empty taskDiscounts make a single-task planner; a multitask one has both > 0 and one γ per task in
// taskDiscounts (a Float32Array). Workspaces are allocated here.
Napi::Value PlannerCreate(const Napi::CallbackInfo& info) {
  const char* op = "plannerCreate";
  require_arg_count(info, 31, op,
                    "(device, batch, obsDim, actionDim, latentDim, encDim, numEncLayers, mlpDim, "
                    "numBins, vmin, vmax, numQ, simnormDim, horizon, iterations, numSamples, "
                    "numElites, numPiTrajs, minStd, maxStd, temperature, discount, logStdMin, "
                    "logStdMax, fullEnsemble, seed, streamBase, maxChunkRows, taskDim, numTasks, "
                    "taskDiscounts)");
  const int device = device_arg(info, 0, op, "device");
  const int64_t B = int_arg(info, 1, op, "batch", 1, 1 << 20);
  PlannerDims d{};
  d.obs_dim = int_arg(info, 2, op, "obsDim", 1, 1 << 24);
  d.action_dim = int_arg(info, 3, op, "actionDim", 1, 4096);
  d.latent_dim = int_arg(info, 4, op, "latentDim", 1, 1 << 16);
  d.enc_dim = int_arg(info, 5, op, "encDim", 1, 1 << 16);
  d.enc_layers = int_arg(info, 6, op, "numEncLayers", 1, kMaxMlpLayers - 1);
  d.mlp_dim = int_arg(info, 7, op, "mlpDim", 1, 1 << 16);
  d.bins.K = int_arg(info, 8, op, "numBins", 0, 1 << 16);
  d.bins.vmin = bounded_arg(info, 9, op, "vmin", -1e30, 1e30);
  d.bins.vmax = bounded_arg(info, 10, op, "vmax", d.bins.vmin, 1e30, true);
  d.num_q = int_arg(info, 11, op, "numQ", 2, 256);
  d.simnorm_dim = int_arg(info, 12, op, "simnormDim", 1, d.latent_dim);
  if (d.latent_dim % d.simnorm_dim != 0)
    throw_range(pfx(op, "simnormDim") + "expected a divisor of latentDim " +
                std::to_string(d.latent_dim) + ", got " + std::to_string(d.simnorm_dim));
  PlannerConfig c{};
  c.horizon = int_arg(info, 13, op, "horizon", 1, 256);
  c.iterations = int_arg(info, 14, op, "iterations", 1, 1 << 16);
  c.num_samples = int_arg(info, 15, op, "numSamples", 1, 1 << 20);
  c.num_elites = int_arg(info, 16, op, "numElites", 1, c.num_samples);
  c.num_pi_trajs = int_arg(info, 17, op, "numPiTrajs", 0, c.num_samples);
  c.min_std = float(bounded_arg(info, 18, op, "minStd", 0, 1e30, true));
  c.max_std = float(bounded_arg(info, 19, op, "maxStd", c.min_std, 1e30));
  c.temperature = float(bounded_arg(info, 20, op, "temperature", 0, 1e30, true));
  c.discount = bounded_arg(info, 21, op, "discount", 0, 1);
  c.log_std_min = float(bounded_arg(info, 22, op, "logStdMin", -1e30, 1e30));
  c.log_std_max = float(bounded_arg(info, 23, op, "logStdMax", c.log_std_min, 1e30));
  c.full_ensemble = bool_arg(info, 24, op, "fullEnsemble");
  const uint64_t seed = uint64_t(int_arg(info, 25, op, "seed", 0, kMaxSafe));
  const int64_t stream_base = int_arg(info, 26, op, "streamBase", 0, kMaxUint32 - (B - 1));
  const int64_t chunk_rows = int_arg(info, 27, op, "maxChunkRows", 0, int64_t(1) << 31);
  const int64_t default_rows = device >= 0 ? kDefaultChunkRowsCuda : kDefaultChunkRows;
  c.max_chunk_rows = chunk_rows != 0 ? chunk_rows : default_rows;
  d.task_dim = int_arg(info, 28, op, "taskDim", 0, 1 << 16);
  d.num_tasks = int_arg(info, 29, op, "numTasks", 0, 1 << 16);
  if ((d.task_dim == 0) != (d.num_tasks == 0))
    throw_range(pfx(op, "numTasks") + "expected 0 exactly when taskDim is 0 (single task), got " +
                std::to_string(d.num_tasks) + " with taskDim " + std::to_string(d.task_dim));
  if (!info[30].IsTypedArray() ||
      info[30].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(pfx(op, "taskDiscounts") + "expected a Float32Array, got " +
               describe_js_value(info[30]));
  Napi::Float32Array disc = info[30].As<Napi::Float32Array>();
  if (int64_t(disc.ElementLength()) != d.num_tasks)
    throw_range(pfx(op, "taskDiscounts") + "expected " + std::to_string(d.num_tasks) +
                " values (one per task), got " + std::to_string(disc.ElementLength()));
  for (size_t k = 0; k < disc.ElementLength(); ++k) {
    const float g = disc[k];
    if (!(g >= 0.f && g <= 1.f))
      throw_range(pfx(op, "taskDiscounts") + "expected values in [0, 1], got " +
                  std::to_string(g) + " at index " + std::to_string(k));
    c.task_discounts.push_back(g);
  }
  if (B * c.horizon * d.action_dim > kMaxElements)
    throw_range(std::string(op) + ": batch × horizon × actionDim = " +
                std::to_string(B * c.horizon * d.action_dim) + " exceeds the limit " +
                std::to_string(kMaxElements));

  auto box = std::make_unique<PlannerBox>();
  box->device = device;
  box->first_step.assign(size_t(B), 0);
  box->tasks.assign(size_t(B), 0);
#ifdef TDMPC2_WITH_CUDA
  if (device >= 0) {
    cuda_set_device(device);
    box->planner = make_planner_cuda(d, c, B, seed, uint32_t(stream_base), device);
    return wrap_planner(info.Env(), box.release());
  }
#endif
  box->planner = make_planner_cpu(d, c, B, seed, uint32_t(stream_base));
  return wrap_planner(info.Env(), box.release());
}

// The validated arguments of plannerPlan / plannerPlanAsync.
struct PlanArgs {
  PlannerBox* box;
  // encoder, dynamics, reward, pi, qs, obs, actions, then taskEmb, actionMasks (multitask only)
  TensorBox* tensors[9];
  napi_value values[9];
  int n_tensors;  // 7 single-task, 9 multitask
  const uint8_t* first_step;
  const int32_t* tasks;  // null single-task
  bool eval_mode;
};

PlanArgs plan_args(const Napi::CallbackInfo& info, const char* op) {
  require_arg_count(info, 13, op,
                    "(planner, encoder, dynamics, reward, pi, qs, obs, firstStep, evalMode, "
                    "actions, taskEmb, actionMasks, tasks)");
  PlanArgs a{};
  a.box = &planner_arg(info, 0, op);
  const Planner& p = *a.box->planner;
  const ModelLayout& m = p.layout();
  const char* names[5] = {"encoder", "dynamics", "reward", "pi", "qs"};
  const int64_t sizes[5] = {m.encoder.size, m.dynamics.size, m.reward.size, m.pi.size,
                            m.qs.size};
  for (int k = 0; k < 5; ++k) {
    a.tensors[k] = &tensor_box_arg(info, size_t(1 + k), op, names[k]);
    require_shape(a.tensors[k]->t, {sizes[k]}, op, names[k]);
    a.values[k] = info[size_t(1 + k)];
  }
  const int64_t B = p.batch();
  a.tensors[5] = &tensor_box_arg(info, 6, op, "obs");
  require_shape(a.tensors[5]->t, {B, p.dims().obs_dim}, op, "obs");
  a.values[5] = info[6];
  if (!info[7].IsTypedArray() || info[7].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    throw_type(pfx(op, "firstStep") + "expected a Uint8Array, got " + describe_js_value(info[7]));
  Napi::Uint8Array first = info[7].As<Napi::Uint8Array>();
  if (int64_t(first.ElementLength()) != B)
    throw_range(pfx(op, "firstStep") + "expected a Uint8Array of length " + std::to_string(B) +
                " (one flag per environment), got length " + std::to_string(first.ElementLength()));
  a.first_step = first.Data();
  a.eval_mode = bool_arg(info, 8, op, "evalMode");
  a.tensors[6] = &tensor_box_arg(info, 9, op, "actions");
  require_shape(a.tensors[6]->t, {B, p.dims().action_dim}, op, "actions");
  a.values[6] = info[9];
  // Multitask: the embedding table [numTasks, T], the masks [numTasks, A] and a task id per env
  // (an Int32Array [B]); single task: all three null.
  const PlannerDims& pd = p.dims();
  a.n_tensors = 7;
  a.tasks = nullptr;
  if (pd.task_dim == 0) {
    const char* names3[3] = {"taskEmb", "actionMasks", "tasks"};
    for (int k = 0; k < 3; ++k)
      if (!info[size_t(10 + k)].IsNull())
        throw_type(pfx(op, names3[k]) + "expected null (a single-task planner), got " +
                   describe_js_value(info[size_t(10 + k)]));
  } else {
    a.tensors[7] = &tensor_box_arg(info, 10, op, "taskEmb");
    require_shape(a.tensors[7]->t, {pd.num_tasks, pd.task_dim}, op, "taskEmb");
    a.values[7] = info[10];
    a.tensors[8] = &tensor_box_arg(info, 11, op, "actionMasks");
    require_shape(a.tensors[8]->t, {pd.num_tasks, pd.action_dim}, op, "actionMasks");
    a.values[8] = info[11];
    a.n_tensors = 9;
    if (!info[12].IsTypedArray() ||
        info[12].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
      throw_type(pfx(op, "tasks") + "expected an Int32Array (a task id per environment), got " +
                 describe_js_value(info[12]));
    Napi::Int32Array ids = info[12].As<Napi::Int32Array>();
    if (int64_t(ids.ElementLength()) != B)
      throw_range(pfx(op, "tasks") + "expected an Int32Array of length " + std::to_string(B) +
                  ", got length " + std::to_string(ids.ElementLength()));
    for (int64_t b = 0; b < B; ++b)
      if (ids[size_t(b)] < 0 || ids[size_t(b)] >= pd.num_tasks)
        throw_range(pfx(op, "tasks") + "expected task ids in [0, " +
                    std::to_string(pd.num_tasks - 1) + "], got " + std::to_string(ids[size_t(b)]) +
                    " at index " + std::to_string(b));
    a.tasks = ids.Data();
  }
  const char* all[9] = {"encoder", "dynamics", "reward", "pi",         "qs",
                        "obs",     "actions",  "taskEmb", "actionMasks"};
  for (int k = 0; k < a.n_tensors; ++k)
    if (a.tensors[k]->t.device != a.box->device)
      throw_range(std::string(op) + ": " + all[k] + " is on " + a.tensors[k]->t.device_string() +
                  " but the planner is on " +
                  (a.box->device < 0 ? std::string("cpu") : "cuda:" + std::to_string(a.box->device)));
  for (int k = 0; k < a.n_tensors; ++k)
    if (k != 6) require_no_overlap(a.tensors[6]->t, "actions", a.tensors[k]->t, all[k], op);
  return a;
}

PlannerNets nets_of(const PlanArgs& a) {
  const bool mt = a.n_tensors == 9;
  return PlannerNets{a.tensors[0]->t.data, a.tensors[1]->t.data, a.tensors[2]->t.data,
                     a.tensors[3]->t.data, a.tensors[4]->t.data,
                     mt ? a.tensors[7]->t.data : nullptr, mt ? a.tensors[8]->t.data : nullptr};
}

// plannerPlan(planner, encoder, dynamics, reward, pi, qs, obs [B,O], firstStep Uint8Array[B],
//             evalMode, actions [B,A]): one synchronous plan call; writes actions.
Napi::Value PlannerPlan(const Napi::CallbackInfo& info) {
  const PlanArgs a = plan_args(info, "plannerPlan");
  a.box->planner->plan(nets_of(a), a.tensors[5]->t.data, a.first_step, a.tasks, a.eval_mode,
                       a.tensors[6]->t.data);
  return info.Env().Undefined();
}

// The async plan: the planner is marked busy and every tensor pinned (dispose refused, storage
// and handle kept alive) until the promise settles on the main thread.
class PlanWorker final : public Napi::AsyncWorker {
 public:
  PlanWorker(Napi::Env env, const PlanArgs& a, napi_value planner_value)
      : Napi::AsyncWorker(env, "tdmpc2:plannerPlanAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        box_(a.box),
        planner_(a.box->planner),
        nets_(nets_of(a)),
        obs_(a.tensors[5]->t.data),
        actions_(a.tensors[6]->t.data),
        eval_mode_(a.eval_mode),
        n_pins_(a.n_tensors),
        multitask_(a.tasks != nullptr) {
    planner_ref_ = Napi::Persistent(Napi::Value(env, planner_value));
    for (int k = 0; k < n_pins_; ++k) {
      pins_[k].box = a.tensors[k];
      pins_[k].storage = a.tensors[k]->storage;
      pins_[k].ref = Napi::Persistent(Napi::Value(env, a.values[k]));
      ++a.tensors[k]->pins;
    }
    const int64_t B = planner_->batch();
    for (int64_t b = 0; b < B; ++b) box_->first_step[size_t(b)] = a.first_step[b];
    if (multitask_)
      for (int64_t b = 0; b < B; ++b) box_->tasks[size_t(b)] = a.tasks[b];
    box_->busy = true;
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      planner_->plan(nets_, obs_, box_->first_step.data(),
                     multitask_ ? box_->tasks.data() : nullptr, eval_mode_, actions_);
    } catch (const Error& e) {
      kind_ = e.kind();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      kind_ = ErrorKind::OutOfMemory;
      SetError("plannerPlanAsync: out of host memory");
    } catch (const std::exception& e) {
      SetError(std::string("plannerPlanAsync: ") + e.what());
    }
  }

  void OnOK() override {
    release();
    deferred_.Resolve(Env().Undefined());
  }

  void OnError(const Napi::Error& e) override {
    release();
    deferred_.Reject(to_js_error(Env(), Error(kind_, e.Message())).Value());
  }

 private:
  struct Pin {
    TensorBox* box = nullptr;
    std::shared_ptr<Storage> storage;
    Napi::Reference<Napi::Value> ref;
  };

  void release() {
    for (int k = 0; k < n_pins_; ++k) {
      Pin& p = pins_[k];
      --p.box->pins;
      p.ref.Reset();
      p.storage.reset();
    }
    box_->busy = false;
    planner_ref_.Reset();
  }

  Napi::Promise::Deferred deferred_;
  PlannerBox* box_;
  std::shared_ptr<Planner> planner_;
  Napi::Reference<Napi::Value> planner_ref_;
  Pin pins_[9];
  PlannerNets nets_;
  const float* obs_;
  float* actions_;
  bool eval_mode_;
  int n_pins_;
  bool multitask_;
  ErrorKind kind_ = ErrorKind::Runtime;
};

// plannerPlanAsync(same arguments as plannerPlan) -> Promise<void>: validated synchronously
// (bad arguments throw), then planned on a worker thread.
Napi::Value PlannerPlanAsync(const Napi::CallbackInfo& info) {
  const PlanArgs a = plan_args(info, "plannerPlanAsync");
  auto* worker = new PlanWorker(info.Env(), a, info[0]);
  const Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// plannerDispose(planner): frees the planner and its workspaces now; idempotent. Refused while
// a plannerPlanAsync runs on it.
Napi::Value PlannerDispose(const Napi::CallbackInfo& info) {
  const char* op = "plannerDispose";
  require_arg_count(info, 1, op, "(planner)");
  PlannerBox* box = unwrap_planner(info[0]);
  if (box == nullptr)
    throw_type(std::string(op) + ": planner: expected a planner handle, got " +
               describe_js_value(info[0]));
  if (box->busy)
    throw Error(ErrorKind::Runtime, std::string(op) + ": planner is in use by a running plannerPlanAsync");
  box->planner.reset();
  return info.Env().Undefined();
}

}  // namespace

TDMPC2_EXPORT("plannerCreate", PlannerCreate);
TDMPC2_EXPORT("plannerPlan", PlannerPlan);
TDMPC2_EXPORT("plannerPlanAsync", PlannerPlanAsync);
TDMPC2_EXPORT("plannerDispose", PlannerDispose);

}  // namespace tdmpc2::binding
