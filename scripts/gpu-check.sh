#!/usr/bin/env bash
# The GPU check, run on the lent GPU machine (the device tool) from the repository root:
#   builds core, jobs, inference and the phantom generator against that machine's LibTorch (CUDA),
#   runs the inference module's tests (the CUDA ones included), then bench/inference's
#   screening_bench, and prints a short table last. Full output under $OUT.
# Prepare here first: `scripts/gpu-deps.sh` (the C++ libraries the GPU machine lacks), then
#   run with carry [".gpu-deps"], e.g. command "bash scripts/gpu-check.sh".
# Options (environment): GPU_CHECK_PARTS (default 1234, see screening_bench), GPU_CHECK_REPEAT,
#   GPU_CHECK_STUDIES, GPU_CHECK_SKIP_TESTS=1.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/gpu-check.log") 2>&1
step() { echo; echo "== $(date -u +%H:%M:%S) $*"; }

step "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
nproc
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
  "cudnn", torch.backends.cudnn.version(), "device", torch.cuda.get_device_name(0))'
DEPS=$PWD/.gpu-deps/usr
if [ ! -d "$DEPS" ]; then
  echo "no .gpu-deps: run scripts/gpu-deps.sh on the build machine and carry .gpu-deps"; exit 2
fi
export LD_LIBRARY_PATH="$DEPS/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
# ATen asks for C++20 from PyTorch 2.12 on.
STD=$(python3 -c 'import torch; v=tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); print(20 if v >= (2, 12) else 17)')

step "configure (C++$STD)"
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTSCREEN_INFERENCE_ONLY=ON \
  -DCMAKE_CXX_STANDARD="$STD" -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$DEPS" \
  -DOPENSSL_ROOT_DIR="$DEPS" -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST \
  >"$OUT/configure.log" 2>&1 || { tail -40 "$OUT/configure.log"; exit 1; }
grep -i -E "cuda|cudnn" "$OUT/configure.log" | head -5

step "build"
cmake --build build-gpu -j"$(nproc)" --target inference_test screening_bench inference_bench \
  >"$OUT/build.log" 2>&1 || { grep -E "error|Error" -A3 "$OUT/build.log" | head -60; exit 1; }
grep -c "warning:" "$OUT/build.log" | sed 's/^/compiler warnings: /'

if [ "${GPU_CHECK_SKIP_TESTS:-0}" != 1 ]; then
  step "inference tests (CUDA tests run: this machine has CUDA)"
  # Unbuffered: a crash must not swallow the lines before it.
  stdbuf -o0 -e0 build-gpu/tests/inference/inference_test --gtest_brief=1 \
    --gtest_output=xml:"$OUT/inference_test.xml" 2>&1 | grep -v " info " | tail -40
  status=${PIPESTATUS[0]}
  echo "inference_test exit: $status"
  if [ "$status" -ge 128 ]; then
    # A crash (the 2026-11-27 runs: SIGSEGV, a jump to address 0, in the first CUDA test while
    # the same operations run from screening_bench). Evidence for the next session: what the
    # test binary loads that the benchmark does not, each CUDA test alone, and a backtrace.
    step "inference_test crashed: diagnosis"
    diff <(ldd build-gpu/bench/inference/screening_bench | awk '{print $1, $3}' | sort) \
      <(ldd build-gpu/tests/inference/inference_test | awk '{print $1, $3}' | sort) \
      | sed 's/^/ldd bench<>test: /' | tee "$OUT/ldd-diff.txt"
    for t in $(build-gpu/tests/inference/inference_test --gtest_list_tests |
        awk '/^[A-Za-z]/{suite=$1} /^  /{print suite $1}' | grep '^Cuda'); do
      timeout 120 build-gpu/tests/inference/inference_test --gtest_filter="$t" --gtest_brief=1 \
        >"$OUT/alone-$t.log" 2>&1
      echo "alone: $t exit $?"
    done
    GDB=$(command -v gdb || command -v cuda-gdb || true)
    if [ -n "$GDB" ]; then
      timeout 180 "$GDB" -batch -ex run -ex bt -ex "info sharedlibrary" \
        --args build-gpu/tests/inference/inference_test --gtest_filter='Cuda*' \
        >"$OUT/backtrace.txt" 2>&1
      grep -E "^#|signal" "$OUT/backtrace.txt" | head -30
    fi
  fi
fi

step "screening_bench"
build-gpu/bench/inference/screening_bench --device cuda:0 --bundle models/default \
  --work /tmp/screening_bench --out "$OUT" --parts "${GPU_CHECK_PARTS:-1234}" \
  --repeat "${GPU_CHECK_REPEAT:-3}" --studies "${GPU_CHECK_STUDIES:-12}" 2>&1 | grep -v " info "

step "summary"
python3 bench/inference/summarize_gpu.py "$OUT/screening_bench.json" | tee "$OUT/summary.md"
