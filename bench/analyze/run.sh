#!/usr/bin/env bash
# bench/analyze: `ctscreen analyze` of one 512 x 512 x 300 chest CT study on the CPU with the
# default bundle: per-stage timings from result.json, peak RSS from /usr/bin/time -v. The study
# is the first 300 slices of phantom seed 1 (full size, COVID-19 class, Explicit VR LE); page
# cache warm (a first run reads it), so reading measures decoding, not the disk.
# RUNS timed runs (default 5) after one warm-up: this shared machine swings by up to 2x from
# one run to the next, so one run says little; the table gives each and the median, and the
# runs are drawn to bench/analyze/timings.svg (CTSCREEN_BENCH_PLOT elsewhere).
#   [RUNS=N] bench/analyze/run.sh [BUNDLE]
set -euo pipefail
# Paths given are the caller's; the defaults are the repository's.
BUNDLE=$(realpath -m "${1:-$(dirname "$0")/../../models/default}")
PLOT=$(realpath -m "${CTSCREEN_BENCH_PLOT:-$(dirname "$0")/timings.svg}")
RUNS=${RUNS:-5}
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench/analyze: RUNS must be a whole number of runs, at least 1 (got '$RUNS')" >&2
  exit 2
fi
cd "$(dirname "$0")/../.."
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
echo "Load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared)."
for n in $(seq 1 "$RUNS"); do
  /usr/bin/time -v "$BIN" analyze "$WORK/study" --out "$WORK/out$n" --bundle "$BUNDLE" \
    2>"$WORK/time$n.txt" >/dev/null
done
python3 - "$WORK" "$RUNS" <<'PY'
import json, re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
stages = ["load_bundle", "read", "preprocess", "lung_seg", "lesion_seg", "classify",
          "map_to_source", "write", "total"]
rows = []
for n in range(1, runs + 1):
    r = json.load(open(f"{work}/out{n}/result.json"))
    t = open(f"{work}/time{n}.txt").read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024 / 1024
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", t).group(1)
    m, s = wall.split(":")[-2:]
    rows.append((r, float(m) * 60 + float(s), rss))
r = rows[0][0]
g = r["geometry"]
print(f"Study: {g['size'][0]} x {g['size'][1]} x {g['size'][2]} voxels, "
      f"{g['spacing_mm'][0]:.3f} x {g['spacing_mm'][1]:.3f} x {g['spacing_mm'][2]:.3f} mm; "
      f"bundle {r['model_bundle']['name']} {r['model_bundle']['version']} "
      f"(model grid {' x '.join(str(s) for s in r['model_grid']['size'])}); "
      f"verdict {r['verdict']}, {len(r['lesions'])} lesion(s).")
print()
print("| run | " + " | ".join(stages) + " | process wall s | peak RSS GB |")
print("|---|" + "---:|" * (len(stages) + 2))
for n, (res, wall, rss) in enumerate(rows, 1):
    ms = [f"{res['timings_ms'].get(k, 0):.0f}" for k in stages]
    print(f"| {n} | " + " | ".join(ms) + f" | {wall:.2f} | {rss:.2f} |")
med = [f"{statistics.median(x['timings_ms'].get(k, 0) for x, _, _ in rows):.0f}" for k in stages]
print("| median | " + " | ".join(med) +
      f" | {statistics.median(w for _, w, _ in rows):.2f} | {max(m for _, _, m in rows):.2f} (max) |")
print()
print("Milliseconds from result.json's timings_ms; process wall and peak RSS from /usr/bin/time -v.")
PY
python3 bench/analyze/timings_svg.py "$PLOT" \
  "ctscreen analyze, 512 x 512 x 300 study, $(nproc) CPU cores, $(date -u +%Y-%m-%d)" \
  $(for n in $(seq 1 "$RUNS"); do echo "$WORK/out$n/result.json"; done)
echo
echo "Plot: $PLOT"
