#!/usr/bin/env bash
# Installs what ctscreen needs from Debian 12's own packages, and nothing when all is there.
# Idempotent: safe to run before every build; it only calls apt when a package is missing.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  libdcmtk-dev libinsighttoolkit5-dev libgdcm-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev libtorch-dev libopenblas0-openmp nlohmann-json3-dev
  libyaml-cpp-dev libssl-dev libsqlite3-dev libcurl4-openssl-dev libgtest-dev libgmock-dev
  zlib1g-dev
  # run-time tools, real peers and validators used by the demo and the tests
  dcmtk libgdcm-tools dicom3tools orthanc sqlite3 python3-pydicom python3-numpy procps bc
  python3-grpcio python3-protobuf python3-prometheus-client openssl
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ctscreen: these Debian packages are missing: ${missing[*]}" >&2
  echo "ctscreen: run this script as root (or install them with apt-get) and try again." >&2
  exit 1
fi

echo "ctscreen: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's orthanc package starts a system-wide service; ctscreen's demo and tests start
# their own Orthanc on private ports and do not need it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet orthanc 2>/dev/null; then
  systemctl stop orthanc || true
fi
echo "ctscreen: dependencies installed"
