// The planner's state and layout exports: the warm-start means and last stds (read, restore,
// reset), the per-environment Philox addresses (read, restore: checkpoints) and the parameter and
// draw layouts (tests compare them with the TS views and the documentation).
#include <cmath>
#include <string>

#include "addon.h"
#include "check.h"
#include "planner_handle.h"

namespace tdmpc2::binding {
namespace {

constexpr double kMaxSafe = 9007199254740991.0;

Napi::Float32Array state_array_arg(const Napi::CallbackInfo& info, size_t i, const char* op,
                                   const char* name, size_t length) {
  if (!info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw_type(std::string(op) + ": " + name + ": expected a Float32Array, got " +
               describe_js_value(info[i]));
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  if (a.ElementLength() != length)
    throw_range(std::string(op) + ": " + name + ": expected a Float32Array of length " +
                std::to_string(length) + " (batch × horizon × actionDim), got length " +
                std::to_string(a.ElementLength()));
  return a;
}

size_t state_size(const Planner& p) {
  return size_t(p.batch() * p.config().horizon * p.dims().action_dim);
}

// plannerReadMean(planner, out Float32Array[B·H·A]): the warm-start means (the final MPPI mean of
// each env's last call, [B,H,A]).
Napi::Value PlannerReadMean(const Napi::CallbackInfo& info) {
  const char* op = "plannerReadMean";
  require_arg_count(info, 2, op, "(planner, out)");
  Planner& p = *planner_arg(info, 0, op).planner;
  Napi::Float32Array out = state_array_arg(info, 1, op, "out", state_size(p));
  std::copy(p.prev_mean().begin(), p.prev_mean().end(), out.Data());
  return info.Env().Undefined();
}

// plannerReadStd(planner, out Float32Array[B·H·A]): the final std of each env's last call.
Napi::Value PlannerReadStd(const Napi::CallbackInfo& info) {
  const char* op = "plannerReadStd";
  require_arg_count(info, 2, op, "(planner, out)");
  Planner& p = *planner_arg(info, 0, op).planner;
  Napi::Float32Array out = state_array_arg(info, 1, op, "out", state_size(p));
  std::copy(p.last_std().begin(), p.last_std().end(), out.Data());
  return info.Env().Undefined();
}

// plannerWriteMean(planner, data Float32Array[B·H·A]): restores the warm-start means (finite).
Napi::Value PlannerWriteMean(const Napi::CallbackInfo& info) {
  const char* op = "plannerWriteMean";
  require_arg_count(info, 2, op, "(planner, data)");
  Planner& p = *planner_arg(info, 0, op).planner;
  Napi::Float32Array data = state_array_arg(info, 1, op, "data", state_size(p));
  const float* v = data.Data();
  for (size_t i = 0; i < data.ElementLength(); ++i)
    if (!std::isfinite(v[i]))
      throw_range(std::string(op) + ": data: expected finite values, got " +
                  std::to_string(v[i]) + " at index " + std::to_string(i));
  std::copy(v, v + data.ElementLength(), p.prev_mean().begin());
  return info.Env().Undefined();
}

// plannerReset(planner, env): zeroes env's warm-start mean (−1: every env), so its next call
// starts from a zero mean, as on a first step.
Napi::Value PlannerReset(const Napi::CallbackInfo& info) {
  const char* op = "plannerReset";
  require_arg_count(info, 2, op, "(planner, env)");
  Planner& p = *planner_arg(info, 0, op).planner;
  const int64_t env = int_arg(info, 1, op, "env", -1, p.batch() - 1);
  p.reset_env(env);
  return info.Env().Undefined();
}

// plannerRngState(planner) -> number[3B]: (seed, stream, offset) of every env.
Napi::Value PlannerRngState(const Napi::CallbackInfo& info) {
  const char* op = "plannerRngState";
  require_arg_count(info, 1, op, "(planner)");
  Planner& p = *planner_arg(info, 0, op).planner;
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, size_t(3 * p.batch()));
  for (int64_t b = 0; b < p.batch(); ++b) {
    const EnvRng& r = p.rng()[size_t(b)];
    out.Set(uint32_t(3 * b), Napi::Number::New(env, double(r.seed)));
    out.Set(uint32_t(3 * b + 1), Napi::Number::New(env, double(r.stream)));
    out.Set(uint32_t(3 * b + 2), Napi::Number::New(env, double(r.offset)));
  }
  return out;
}

// plannerSetRngState(planner, state number[3B]): restores every env's (seed, stream, offset):
// seeds and offsets non-negative safe integers, streams uint32.
Napi::Value PlannerSetRngState(const Napi::CallbackInfo& info) {
  const char* op = "plannerSetRngState";
  require_arg_count(info, 2, op, "(planner, state)");
  Planner& p = *planner_arg(info, 0, op).planner;
  if (!info[1].IsArray())
    throw_type(std::string(op) + ": state: expected an array of 3·batch numbers, got " +
               describe_js_value(info[1]));
  Napi::Array a = info[1].As<Napi::Array>();
  const int64_t B = p.batch();
  if (int64_t(a.Length()) != 3 * B)
    throw_range(std::string(op) + ": state: expected " + std::to_string(3 * B) +
                " numbers ((seed, stream, offset) per env), got " + std::to_string(a.Length()));
  std::vector<EnvRng>& rng = p.rng();
  std::vector<EnvRng> next(rng.size());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    const Napi::Value v = a.Get(i);
    const char* what = i % 3 == 0 ? "seed" : (i % 3 == 1 ? "stream" : "offset");
    if (!v.IsNumber())
      throw_type(std::string(op) + ": state[" + std::to_string(i) + "] (" + what +
                 "): expected a number, got " + describe_js_value(v));
    const double x = v.As<Napi::Number>().DoubleValue();
    const double hi = i % 3 == 1 ? 4294967295.0 : kMaxSafe;
    if (!std::isfinite(x) || std::floor(x) != x || x < 0 || x > hi)
      throw_range(std::string(op) + ": state[" + std::to_string(i) + "] (" + what +
                  "): expected an integer in [0, " + std::to_string(int64_t(hi)) + "], got " +
                  std::to_string(x));
    EnvRng& r = next[i / 3];
    if (i % 3 == 0) r.seed = uint64_t(x);
    else if (i % 3 == 1) r.stream = uint32_t(x);
    else r.offset = uint64_t(x);
  }
  rng = next;
  return info.Env().Undefined();
}

Napi::Object mlp_object(Napi::Env env, const MlpLayout& m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("members", double(m.members));
  o.Set("size", double(m.size));
  Napi::Array layers = Napi::Array::New(env, size_t(m.n));
  for (int i = 0; i < m.n; ++i) {
    const LayerLayout& l = m.layer[i];
    Napi::Object x = Napi::Object::New(env);
    x.Set("in", double(l.in));
    x.Set("out", double(l.out));
    x.Set("epilogue", double(int(l.ep)));
    x.Set("weight", double(l.w));
    x.Set("bias", double(l.b));
    x.Set("lnWeight", double(l.gamma));
    x.Set("lnBias", double(l.beta));
    layers.Set(uint32_t(i), x);
  }
  o.Set("layers", layers);
  return o;
}

// plannerLayout(planner) -> { batch, chunk, nets: { encoder, dynamics, reward, pi, qs }, draws }:
// per net its size and per layer the element offsets of weight, bias, lnWeight, lnBias (−1: none);
// draws: the block offsets of one call's draws (planner.h).
Napi::Value PlannerLayout(const Napi::CallbackInfo& info) {
  const char* op = "plannerLayout";
  require_arg_count(info, 1, op, "(planner)");
  const Planner& p = *planner_arg(info, 0, op).planner;
  Napi::Env env = info.Env();
  const ModelLayout& m = p.layout();
  Napi::Object nets = Napi::Object::New(env);
  nets.Set("encoder", mlp_object(env, m.encoder));
  nets.Set("dynamics", mlp_object(env, m.dynamics));
  nets.Set("reward", mlp_object(env, m.reward));
  nets.Set("pi", mlp_object(env, m.pi));
  nets.Set("qs", mlp_object(env, m.qs));
  const PlannerDraws& d = p.draws();
  Napi::Object draws = Napi::Object::New(env);
  draws.Set("piTraj0", double(d.pi_traj0));
  draws.Set("piTrajStep", double(d.pi_traj_step));
  draws.Set("iter0", double(d.iter0));
  draws.Set("iterStep", double(d.iter_step));
  draws.Set("samples", double(d.samples));
  draws.Set("terminal", double(d.terminal));
  draws.Set("qPair", double(d.q_pair));
  draws.Set("choice", double(d.final.choice));
  draws.Set("explore", double(d.final.explore));
  draws.Set("total", double(d.total));
  Napi::Object out = Napi::Object::New(env);
  out.Set("batch", double(p.batch()));
  out.Set("chunk", double(p.chunk()));
  out.Set("nets", nets);
  out.Set("draws", draws);
  return out;
}

}  // namespace

TDMPC2_EXPORT("plannerReadMean", PlannerReadMean);
TDMPC2_EXPORT("plannerReadStd", PlannerReadStd);
TDMPC2_EXPORT("plannerWriteMean", PlannerWriteMean);
TDMPC2_EXPORT("plannerReset", PlannerReset);
TDMPC2_EXPORT("plannerRngState", PlannerRngState);
TDMPC2_EXPORT("plannerSetRngState", PlannerSetRngState);
TDMPC2_EXPORT("plannerLayout", PlannerLayout);

}  // namespace tdmpc2::binding
