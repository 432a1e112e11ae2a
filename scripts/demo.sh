#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs the whole loop on the
# shipped configuration (built-in defaults; only storage.dir points into build/demo):
#   a bundled Orthanc plays the hospital PACS (AE PACS, port 4242, the configured destination);
#   a synthetic chest CT study (`ctscreen phantom`) is stored in it;
#   the PACS pushes the study to `ctscreen serve` (C-STORE), as a routing rule would;
#   ctscreen screens it and sends a DICOM SEG and SR back into the same study in the PACS.
# The models are the demonstration bundle in models/default: trained on synthetic phantoms only,
# not for diagnosis.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh

BIN=build/src/app/ctscreen
DEMO=build/demo
rm -rf "$DEMO"
mkdir -p "$DEMO/orthanc/db"
export TCP_NODELAY=1

for port in 11112 4242 8042; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "ctscreen demo: port $port is in use; stop what listens there first." >&2
    exit 1
  fi
done

echo "== the PACS: Orthanc on port 4242 (AE PACS), web viewer on http://localhost:8042"
cat >"$DEMO/orthanc/orthanc.json" <<JSON
{ "Name": "ctscreen-demo-pacs", "StorageDirectory": "$PWD/$DEMO/orthanc/db",
  "IndexDirectory": "$PWD/$DEMO/orthanc/db", "DicomAet": "PACS", "DicomPort": 4242,
  "HttpPort": 8042, "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
  "DicomAlwaysAllowStore": true, "DicomCheckCalledAet": false,
  "DicomModalities": { "ctscreen": [ "CTSCREEN", "127.0.0.1", 11112 ] } }
JSON
Orthanc "$DEMO/orthanc/orthanc.json" >"$DEMO/orthanc/orthanc.log" 2>&1 &
ORTHANC=$!
trap 'kill $ORTHANC $SERVER 2>/dev/null || true' EXIT
SERVER=""
rest() { /usr/bin/python3 -c "import sys,urllib.request; r=urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8042'+sys.argv[1], data=(sys.argv[2].encode() if len(sys.argv)>2 else None)), timeout=120); sys.stdout.write(r.read().decode())" "$@"; }
for _ in $(seq 100); do rest /system >/dev/null 2>&1 && break; sleep 0.1; done

echo "== a synthetic chest CT with COVID-19-like lesions (ctscreen phantom; no patient data)"
"$BIN" phantom --out "$DEMO/phantom" --seed 2026 --cases 1 --mix covid=1 --size full \
  --transfer-syntax jpeg_ls --preview
STUDY="$DEMO/phantom/case_0000/dicom"
echo "   stored in the PACS:"
dcmsend -aec PACS localhost 4242 --scan-directories --recurse "$STUDY"
rest /statistics | grep -E "CountInstances|CountStudies"

echo "== starting: $BIN serve --config config/ctscreen.yaml --set storage.dir=$DEMO/storage"
"$BIN" serve --config config/ctscreen.yaml --set storage.dir="$DEMO/storage" >"$DEMO/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 300); do
  grep -q "ready:" "$DEMO/serve.log" && break
  if ! kill -0 $SERVER 2>/dev/null; then cat "$DEMO/serve.log"; exit 1; fi
  sleep 0.1
done

echo "== the PACS pushes the study to ctscreen (Orthanc REST: /modalities/ctscreen/store)"
STUDY_ID=$(rest /studies | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0])")
rest /modalities/ctscreen/store "$STUDY_ID" >/dev/null

echo "== waiting: quiet period, screening, delivery (ctscreen watch shows each step)"
"$BIN" watch >"$DEMO/watch.log" 2>&1 &
WATCH=$!
for _ in $(seq 600); do
  "$BIN" jobs --json 2>/dev/null | grep -q '"state": "SENT"' && break
  "$BIN" jobs --json 2>/dev/null | grep -qE '"state": "(FAILED|REJECTED)"' && break
  sleep 0.5
done
kill $WATCH 2>/dev/null || true
cat "$DEMO/watch.log"

echo "== ctscreen status"
"$BIN" status || true
echo
echo "== ctscreen jobs"
"$BIN" jobs
RESULT=$(ls -d "$DEMO"/storage/results/* 2>/dev/null | head -1)
if [ -n "$RESULT" ]; then
  echo
  echo "== the verdict (from $RESULT/result.json)"
  /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('verdict', r.get('verdict'), 'p=%.3f' % r.get('probability', 0), '|', len(r.get('lesions', [])), 'lesions |', r.get('model_bundle'))" "$RESULT/result.json"
fi
echo
echo "== what the PACS holds now (series of the study)"
rest "/studies/$STUDY_ID/series?expand" | /usr/bin/python3 -c "
import json,sys
for s in json.load(sys.stdin):
    t = s['MainDicomTags']
    print('  %-4s %-45s %d instances' % (t.get('Modality', '?'), t.get('SeriesDescription', ''), len(s['Instances'])))"
echo
echo "Open http://localhost:8042/app/explorer.html (Orthanc) while this runs, or look at"
echo "$DEMO/storage/results/ (seg.dcm, sr.dcm, result.json). The server log is $DEMO/serve.log."
echo "Press Enter to stop the demo PACS and server."
if [ -t 0 ]; then read -r _; fi
kill $SERVER; wait $SERVER 2>/dev/null || true
kill $ORTHANC; wait $ORTHANC 2>/dev/null || true
trap - EXIT
