#!/usr/bin/env bash
# bench/e2e: from the last C-STORE of a 512 x 512 x 300 chest CT study (sent to ctscreen with
# dcmsend) to its SEG and SR stored in a real PACS (Orthanc), minus the configured quiet
# period, with the job's per-stage times, on CPU with the default bundle. Prints Markdown.
#   bench/e2e/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
BUILD=${CTSCREEN_BUILD_DIR:-build}
BIN="$BUILD/src/app/ctscreen"
scripts/build.sh >/dev/null
export TCP_NODELAY=1
WORK=$(mktemp -d /var/tmp/ctscreen-bench-e2e.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
QUIET=2

"$BIN" phantom --out "$WORK/phantom" --seed 1 --cases 1 --size full --mix covid=1 \
  --transfer-syntax explicit_le >/dev/null 2>&1
mkdir "$WORK/study"
find "$WORK/phantom/case_0000/dicom" -name 'CT_*.dcm' | sort | head -300 | xargs -I{} cp {} "$WORK/study/"

rest() { /usr/bin/python3 -c "import sys,urllib.request; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:21842'+sys.argv[1], timeout=30).read().decode())" "$1"; }

echo "## e2e (CPU): last C-STORE to SEG and SR in Orthanc"
echo
echo "Machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(free -g | awk '/Mem:/{print $2}') GB, $(date -u +%Y-%m-%d). Command: \`bench/e2e/run.sh $RUNS\`."
echo "Study: 300 slices of 512 x 512 (phantom seed 1, COVID-19 class, Explicit VR LE), default bundle,"
echo "series.quiet_period_s=$QUIET (subtracted), one cpu worker; Orthanc 1.10 on loopback as the PACS."
echo
echo "| run | last C-STORE to SEG+SR in the PACS, minus quiet period (s) | read | preprocess | lung_seg | lesion_seg | classify | map_to_source | write | pipeline total |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for r in $(seq "$RUNS"); do
  rm -rf "$WORK/orthanc" "$WORK/storage"; mkdir -p "$WORK/orthanc/db"
  cat >"$WORK/orthanc/orthanc.json" <<JSON
{ "Name": "bench-pacs", "StorageDirectory": "$WORK/orthanc/db", "IndexDirectory": "$WORK/orthanc/db",
  "DicomAet": "PACS", "DicomPort": 21804, "HttpPort": 21842, "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false, "DicomAlwaysAllowStore": true, "DicomCheckCalledAet": false }
JSON
  Orthanc "$WORK/orthanc/orthanc.json" >"$WORK/orthanc.log" 2>&1 &
  ORTHANC=$!
  "$BIN" serve --config config/ctscreen.yaml --set storage.dir="$WORK/storage" \
    --set listener.port=21812 --set api.listen=127.0.0.1:21851 --set api.metrics_listen=127.0.0.1:21852 \
    --set series.quiet_period_s=$QUIET \
    --set "destinations=[{name: pacs, aet: PACS, host: 127.0.0.1, port: 21804}]" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do grep -q "ready:" "$WORK/serve.log" && rest /system >/dev/null 2>&1 && break; sleep 0.1; done
  dcmsend -aec CTSCREEN 127.0.0.1 21812 --scan-directories "$WORK/study" >/dev/null
  T0=$(date +%s.%N)
  for _ in $(seq 1200); do
    n=$(rest /series?expand 2>/dev/null | grep -cE '"Modality" : "(SEG|SR)"' || true)
    [ "$n" -ge 2 ] && break
    sleep 0.1
  done
  T1=$(date +%s.%N)
  JOB=$("$BIN" jobs --json --api 127.0.0.1:21851)
  kill $SERVER $ORTHANC; wait $SERVER $ORTHANC 2>/dev/null || true
  /usr/bin/python3 - "$T0" "$T1" "$QUIET" "$r" "$WORK/storage" <<PY
import json, sys, glob
t0, t1, quiet, run, storage = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
jobs = json.loads('''$JOB''')["jobs"]
job = [j for j in jobs if j.get("verdict")][0]
t = {s["stage"]: s["ms"] / 1000 for s in job.get("timings", [])}
result = json.load(open(glob.glob(storage + "/results/*/result.json")[0]))
cols = ["read", "preprocess", "lung_seg", "lesion_seg", "classify", "map_to_source", "write", "total"]
print("| %s | %.1f | %s |" % (run, t1 - t0 - quiet, " | ".join("%.2f" % t.get(c, 0) for c in cols)))
PY
done
echo
echo "Verdicts were produced by the demonstration bundle (synthetic phantoms only; not for diagnosis)."
