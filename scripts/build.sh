#!/usr/bin/env bash
# Configures (once) and builds ctscreen with Ninja and ccache into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=${CTSCREEN_BUILD_DIR:-build}
# ccache keys on paths relative to the checkout and ignores the build folder's own path, so a
# fresh clone elsewhere (CI) reuses what any earlier build on this machine compiled.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
# Two cores and big translation units: one job per core, no more.
cmake --build "$BUILD_DIR" -- -j"${CTSCREEN_JOBS:-$(nproc)}" "$@"
