// Planner handles as JS sees them: a type-tagged External owning the native planner. A running
// plannerPlanAsync marks the handle busy: every other call on it (plan, state, dispose) is
// refused until the promise settles, so calls never overlap.
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "tdmpc2/planner.h"

namespace tdmpc2::binding {

struct PlannerBox {
  std::shared_ptr<Planner> planner;  // null once disposed
  int device = -1;
  bool busy = false;                 // a plannerPlanAsync is running
  std::vector<uint8_t> first_step;   // [B] the running async call's flags (owned: no JS access)
  std::vector<int32_t> tasks;        // [B] its task ids (multitask; owned like first_step)
};

Napi::Value wrap_planner(Napi::Env env, PlannerBox* box);

// The live, idle planner at argument i: TypeError if not a planner handle, ERR_DISPOSED if
// disposed, Error if an async plan is running on it.
PlannerBox& planner_arg(const Napi::CallbackInfo& info, size_t i, const char* op);

// The box behind a planner handle (disposed or not), or nullptr.
PlannerBox* unwrap_planner(Napi::Value value);

}  // namespace tdmpc2::binding
