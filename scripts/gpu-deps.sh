#!/usr/bin/env bash
# Gathers, from this Debian machine's packages, what the inference-only build needs beyond
# LibTorch: spdlog, fmt, yaml-cpp, nlohmann-json, SQLite, OpenSSL's libcrypto and GoogleTest, headers,
# libraries and CMake package files, into .gpu-deps/usr. The GPU machine has LibTorch (CUDA) but
# none of these and cannot download anything; scripts/gpu-check.sh builds against this folder,
# which travels with the working tree (the device tool's `carry: [".gpu-deps"]`).
# Debian's CMake package files locate themselves relative to their own folder, so the copy works
# wherever it lands. Libraries built on Debian 12 (glibc 2.36) run on newer glibc.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >/dev/null
DEST=.gpu-deps/usr
LIB=/usr/lib/x86_64-linux-gnu
rm -rf .gpu-deps
mkdir -p "$DEST/include" "$DEST/lib/x86_64-linux-gnu/cmake" "$DEST/share/cmake"
for h in spdlog fmt yaml-cpp nlohmann gtest gmock openssl sqlite3.h sqlite3ext.h; do
  cp -a "/usr/include/$h" "$DEST/include/"
done
# OpenSSL keeps its architecture-specific headers apart.
cp -a /usr/include/x86_64-linux-gnu/openssl/. "$DEST/include/openssl/"
for l in libspdlog.so* libfmt.so* libyaml-cpp.so* libgtest*.a libgmock*.a libcrypto.so* libsqlite3.so*; do
  cp -a $LIB/$l "$DEST/lib/x86_64-linux-gnu/"
done
for c in spdlog fmt yaml-cpp GTest; do
  cp -a "$LIB/cmake/$c" "$DEST/lib/x86_64-linux-gnu/cmake/"
done
cp -a /usr/share/cmake/nlohmann_json "$DEST/share/cmake/"
# GoogleTest's source too: the GPU build compiles it with that machine's compiler.
cp -a /usr/src/googletest .gpu-deps/googletest
du -sh .gpu-deps
