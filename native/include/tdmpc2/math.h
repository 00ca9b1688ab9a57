// Per-element math shared by the CPU and CUDA backends (host + device inline functions). Each
// concern has its own header under math/; include this one to get them all.
#pragma once
#include "math/common.h"
#include "math/philox.h"
#include "math/policy.h"
#include "math/two_hot.h"
#include "math/lerp.h"
#include "math/adam.h"
#include "math/exp.h"
#include "math/activations.h"
#include "math/layernorm.h"
#include "math/simnorm.h"
#include "math/dropout.h"
#include "math/mppi.h"
