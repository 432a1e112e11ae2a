#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
BUILD_DIR=${CTSCREEN_BUILD_DIR:-build}
export TCP_NODELAY=1
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600 -j1 "$@"
