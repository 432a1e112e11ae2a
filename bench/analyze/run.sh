#!/usr/bin/env bash
# bench/analyze: `ctscreen analyze` of one 512 x 512 x 300 chest CT study on the CPU with the
# default bundle: per-stage timings from result.json, peak RSS from /usr/bin/time -v. The study
# is the first 300 slices of phantom seed 1 (full size, COVID-19 class, Explicit VR LE); page
# cache warm (a first run reads it), so reading measures decoding, not the disk.
#   bench/analyze/run.sh [BUNDLE]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUNDLE=${1:-models/default}
BUILD=${CTSCREEN_BUILD_DIR:-build}
BIN="$BUILD/src/app/ctscreen"
ninja -C "$BUILD" -j1 ctscreen >/dev/null
WORK=$(mktemp -d /var/tmp/ctscreen-bench-analyze.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$BIN" phantom --out "$WORK/phantom" --seed 1 --cases 1 --size full --mix covid=1 \
  --transfer-syntax explicit_le >/dev/null 2>&1
mkdir "$WORK/study"
find "$WORK/phantom/case_0000/dicom" -name 'CT_*.dcm' | sort | head -300 |
  xargs -I{} cp {} "$WORK/study/"
"$BIN" analyze "$WORK/study" --out "$WORK/warm" --bundle "$BUNDLE" >/dev/null 2>&1

echo "## analyze (CPU)"
echo
echo "Machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(free -g | awk '/Mem:/{print $2}') GB, $(date -u +%Y-%m-%d)."
echo "Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)."
/usr/bin/time -v "$BIN" analyze "$WORK/study" --out "$WORK/out" --bundle "$BUNDLE" \
  2>"$WORK/time.txt" >/dev/null
python3 - "$WORK/out/result.json" "$WORK/time.txt" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1)
g = r["geometry"]
print(f"Study: {g['size'][0]} x {g['size'][1]} x {g['size'][2]} voxels, "
      f"{g['spacing_mm'][0]:.3f} x {g['spacing_mm'][1]:.3f} x {g['spacing_mm'][2]:.3f} mm; "
      f"bundle {r['model_bundle']['name']} {r['model_bundle']['version']} "
      f"(model grid {' x '.join(str(s) for s in r['model_grid']['size'])}); "
      f"verdict {r['verdict']}, {len(r['lesions'])} lesion(s).")
print()
print("| stage | ms |")
print("|---|---|")
for k in ["load_bundle", "read", "preprocess", "lung_seg", "lesion_seg", "classify",
          "map_to_source", "write", "total"]:
    print(f"| {k} | {r['timings_ms'].get(k, 0):.0f} |")
print()
print(f"Process wall time {wall}; peak RSS {rss / 1024 / 1024:.2f} GB (/usr/bin/time -v).")
PY
