#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, starts `ctscreen serve` on the
# shipped configuration (built-in defaults; only storage.dir points into build/demo so the demo
# leaves nothing behind), pushes a synthetic chest CT study (from `ctscreen phantom`) into it
# with DCMTK's dcmsend the way a PACS would, prints what was received, and analyses the study
# offline with the default bundle (`ctscreen analyze`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh

BIN=build/src/app/ctscreen
DEMO=build/demo
PORT=11112
rm -rf "$DEMO"
mkdir -p "$DEMO"
export TCP_NODELAY=1

if echoscu -to 2 localhost "$PORT" >/dev/null 2>&1; then
  echo "ctscreen demo: something already answers DICOM on port $PORT; stop it first." >&2
  exit 1
fi

echo "== sample study: a synthetic 512 x 512 chest CT with COVID-19-like lesions (ctscreen phantom)"
"$BIN" phantom --out "$DEMO/phantom" --seed 2026 --cases 1 --mix covid=1 --size full \
  --transfer-syntax jpeg_ls --preview
STUDY="$DEMO/phantom/case_0000/dicom"
echo "   $(find "$STUDY" -name '*.dcm' | wc -l) DICOM files in $STUDY (preview: $DEMO/phantom/case_0000/preview.png)"

echo "== starting: $BIN serve --config config/ctscreen.yaml --set storage.dir=$DEMO/storage"
"$BIN" serve --config config/ctscreen.yaml --set storage.dir="$DEMO/storage" >"$DEMO/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "ready:" "$DEMO/serve.log" && break
  if ! kill -0 $SERVER 2>/dev/null; then cat "$DEMO/serve.log"; exit 1; fi
  sleep 0.1
done

echo "== C-ECHO"
echoscu -v -aet DEMOPACS -aec CTSCREEN localhost "$PORT" 2>&1 | grep -E "Echo|Association" || true

echo "== C-STORE of the study with dcmsend"
dcmsend -aet DEMOPACS -aec CTSCREEN localhost "$PORT" --scan-directories --recurse "$STUDY"

echo "== waiting for the series' quiet period (series.quiet_period_s) to complete it"
for _ in $(seq 300); do
  "$BIN" inventory --config config/ctscreen.yaml --set storage.dir="$DEMO/storage" | grep -q " ingest " || break
  sleep 0.2
done

echo "== what ctscreen received (ctscreen inventory)"
"$BIN" inventory --config config/ctscreen.yaml --set storage.dir="$DEMO/storage"

echo "== analysing the study offline with the default bundle (synthetic-phantom models, demo only)"
"$BIN" analyze "$STUDY" --out "$DEMO/analysis" --masks 2>"$DEMO/analysis.log" | grep "verdict"

kill $SERVER
wait $SERVER || true
trap - EXIT
echo
echo "== server log ($DEMO/serve.log)"
cat "$DEMO/serve.log"
echo
echo "Received instances are in $DEMO/storage/spool/, the job store in $DEMO/storage/jobs.sqlite."
echo "Screening (segmentation, verdict, SEG/SR back to the PACS) is not in this release yet."
