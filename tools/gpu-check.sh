#!/usr/bin/env bash
# The GPU check, in one call on a machine with an NVIDIA GPU and a CUDA build of the addon
# (npm run build:native there, or TDMPC2_ADDON pointing at one): the CUDA suites (a missing
# device fails them instead of skipping), then with --bench the CUDA planner benchmark against
# the PyTorch peer on the same GPU and a short CUDA training run. Every step has its own time limit
# so one hang cannot eat the others (TESTS_LIMIT, PLANNER_LIMIT, TRAIN_LIMIT: seconds); logs and
# results go to LOGDIR (default runs/gpu-check).
#
#   npm run test:gpu                      # the CUDA test suites only
#   bash tools/gpu-check.sh --bench       # suites, planner benchmark, training run (--no-train: without)
#
# Needs node (no npm), node_modules with vitest, dist/ (npm run build:ts) and for the benchmark's
# peer a python3 with a CUDA torch (TDMPC2_PEER_PYTHON, default: python3 on the PATH).
set -uo pipefail
export NO_COLOR=1 FORCE_COLOR=0
cd "$(dirname "$0")/.."
LOGDIR=${LOGDIR:-runs/gpu-check}
mkdir -p "$LOGDIR"
bench=false train=true
for a in "$@"; do
  case $a in
    --bench) bench=true ;;
    --no-train) train=false ;;
    *) echo "usage: tools/gpu-check.sh [--bench [--no-train]]" >&2; exit 2 ;;
  esac
done
status=0
step() { # step NAME SECONDS CMD...: runs CMD with a time limit, its output to the console and LOGDIR/NAME.log
  local name=$1 limit=$2; shift 2
  echo "== $name (limit ${limit}s): $*"
  local t0=$SECONDS
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$LOGDIR/$name.log"
  local rc=${PIPESTATUS[0]}
  echo "== $name: exit $rc after $((SECONDS - t0))s"
  [ "$rc" = 0 ] || status=1
}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
step backends 60 node -e "import('./dist/index.js').then((m) => console.log(JSON.stringify(m.backends())))"

# Every suite with CUDA cases: kernels against the TS references, tensors, bad input, the planner
# against the TS reference planner (single-task and multitask) and batched == single, the update
# against the PyTorch fixture.
GPU_SUITES="test/ops test/tensor.test.ts test/boundary test/agent/planner.test.ts test/agent/planner-batch.test.ts test/agent/multitask.test.ts test/model/update-golden.test.ts"
export TDMPC2_REQUIRE_CUDA=1
step tests "${TESTS_LIMIT:-420}" node node_modules/vitest/vitest.mjs run $GPU_SUITES \
  --reporter=default --reporter=json --outputFile="$LOGDIR/tests.json"

if $bench; then
  export TDMPC2_PEER_PYTHON=${TDMPC2_PEER_PYTHON:-$(command -v python3)}
  step planner "${PLANNER_LIMIT:-300}" node benchmarks/run-ts.mjs benchmarks/planner.ts --device cuda:0 \
    --sizes 1,5 --batches 1,16,256,1024 --repeats "${PLANNER_REPEATS:-15}" --peer-max-batch 1024 --out "$LOGDIR/planner-cuda0.json"
  $train && step train "${TRAIN_LIMIT:-150}" node dist/cli.js train --task cartpole-swingup --model-size 1 \
    --device cuda --steps 4000 --seed-steps 1000 --eval-freq 4000 --eval-episodes 2 --out "$LOGDIR/train-cuda"
fi
echo "== gpu-check: $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
