#!/usr/bin/env bash
# bench/preprocess: read + resample + window of one 512 x 512 x 300 CT series (0.7 mm pixels,
# 1 mm slices), per stage, against the floor of one plain memory copy of the same bytes.
# Uncompressed (Explicit VR LE) and JPEG-LS, page cache warm (we measure decoding, not disk).
#   bench/preprocess/run.sh [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEAT=${1:-3}
BUILD=${CTSCREEN_BUILD_DIR:-build}
# One job: the machine is shared and ITK translation units are big.
ninja -C "$BUILD" -j1 preprocess_bench make_ct_series >/dev/null
WORK=$(mktemp -d /var/tmp/ctscreen-bench-preprocess.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "## preprocess"
echo
echo "Machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(date -u +%Y-%m-%d)."
TYPE=$(grep CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | cut -d= -f2)
echo "Build: ${BUILD} (${TYPE:-RelWithDebInfo}); load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
for ts in explicit jpeg-ls; do
  "$BUILD/tests/make_ct_series" --out "$WORK/$ts" --slices 300 --rows 512 --columns 512 \
    --ts "$ts" >/dev/null 2>&1
  cat "$WORK/$ts"/* >/dev/null
  for threads in 1 0; do
    echo
    echo "### ${ts}, $([ "$threads" = 1 ] && echo "1 decoding thread" || echo "decoding threads = cores")"
    echo
    /usr/bin/time -f "process: %e s wall, max RSS %M KB" \
      "$BUILD/bench/preprocess_bench" "$WORK/$ts" --repeat "$REPEAT" --threads "$threads" 2>&1
  done
done
