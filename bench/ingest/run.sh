#!/usr/bin/env bash
# bench/ingest: one 512 x 512 x 300 CT series pushed with dcmsend (TCP_NODELAY=1) to
#   - ctscreen serve      (fsync of every file and its folder before each acknowledgement)
#   - DCMTK storescp      (writes to disk, no fsync: the throughput ceiling)
#   - Orthanc 1.10        (a real PACS, its own SQLite index)
# in the same run, RUNS times each with fresh storage, on loopback. Prints a Markdown table.
#   bench/ingest/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
scripts/build.sh >/dev/null
export TCP_NODELAY=1
WORK=$(mktemp -d /var/tmp/ctscreen-bench-ingest.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

build/tests/make_ct_series --out "$WORK/series" --slices 300 --rows 512 --columns 512 >/dev/null 2>&1
FILES=$(ls "$WORK/series" | wc -l)
BYTES=$(du -sb "$WORK/series" | cut -f1)
cat "$WORK"/series/* >/dev/null  # warm the page cache: we measure the receivers, not the sender's disk

now() { date +%s.%N; }
wait_port() { for _ in $(seq 200); do echoscu -aec "$2" 127.0.0.1 "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

send() {  # port aet -> seconds
  local t0 t1
  t0=$(now)
  dcmsend -aec "$2" 127.0.0.1 "$1" --scan-directories "$WORK/series" >"$WORK/dcmsend.log" 2>&1
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

run_ctscreen() {
  rm -rf "$WORK/ctscreen"
  build/src/app/ctscreen serve --config config/ctscreen.yaml --set listener.port=21112 \
    --set storage.dir="$WORK/ctscreen" --set storage.min_free_mb=100 >"$WORK/ctscreen.log" 2>&1 &
  local pid=$!
  wait_port 21112 CTSCREEN
  send 21112 CTSCREEN
  kill $pid; wait $pid 2>/dev/null || true
  [ "$(find "$WORK/ctscreen/spool" -name '*.dcm' | wc -l)" -eq "$FILES" ] || { echo "ctscreen lost files" >&2; exit 1; }
}

run_storescp() {
  rm -rf "$WORK/storescp"; mkdir -p "$WORK/storescp"
  storescp -aet STORESCP -od "$WORK/storescp" 21113 >"$WORK/storescp.log" 2>&1 &
  local pid=$!
  wait_port 21113 STORESCP
  send 21113 STORESCP
  kill $pid; wait $pid 2>/dev/null || true
}

run_orthanc() {
  rm -rf "$WORK/orthanc"; mkdir -p "$WORK/orthanc/db"
  cat >"$WORK/orthanc/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$WORK/orthanc/db", "IndexDirectory": "$WORK/orthanc/db",
  "DicomAet": "ORTHANC", "DicomPort": 21114, "HttpPort": 21115, "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false, "DicomAlwaysAllowStore": true, "DicomCheckCalledAet": false,
  "Plugins": [] }
JSON
  Orthanc "$WORK/orthanc/orthanc.json" >"$WORK/orthanc.log" 2>&1 &
  local pid=$!
  wait_port 21114 ORTHANC
  send 21114 ORTHANC
  kill $pid; wait $pid 2>/dev/null || true
}

declare -A TIMES
for peer in ctscreen storescp orthanc; do TIMES[$peer]=""; done
for r in $(seq "$RUNS"); do
  for peer in ctscreen storescp orthanc; do
    t=$(run_$peer | tail -1)
    TIMES[$peer]="${TIMES[$peer]} $t"
    echo "run $r/$RUNS $peer: $t s" >&2
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
MB=$(echo "$BYTES / 1000000" | bc -l)
S_CT=$(echo "${TIMES[ctscreen]}" | median)
S_SCP=$(echo "${TIMES[storescp]}" | median)
echo
echo "Series: $FILES instances, $(printf %.1f "$MB") MB (Explicit VR Little Endian), dcmsend, TCP_NODELAY=1, median of $RUNS runs"
echo
echo "| receiver | durability | median s | instances/s | MB/s | runs (s) |"
echo "|---|---|---|---|---|---|"
for peer in ctscreen storescp orthanc; do
  s=$(echo "${TIMES[$peer]}" | median)
  case $peer in
    ctscreen) d="fdatasync + rename + folder fsync before each ack";;
    storescp) d="none (page cache only)";;
    orthanc) d="none per instance (SQLite index)";;
  esac
  printf "| %s | %s | %.3f | %.0f | %.0f |%s |\n" "$peer" "$d" "$s" "$(echo "$FILES / $s" | bc -l)" \
    "$(echo "$MB / $s" | bc -l)" "${TIMES[$peer]}"
done
echo
printf "ctscreen / storescp throughput ratio: %.2f\n" "$(echo "$S_SCP / $S_CT" | bc -l)"
# What durability itself costs on this disk, measured now: the same number of files of the
# same size written plainly and with ctscreen's sync sequence. storescp plus that cost is the
# fastest any acknowledge-only-when-durable receiver can be with a sender that waits for
# each response (dcmsend does).
FLOOR=$(build/bench/sync_floor "$WORK/floor" "$FILES" $((BYTES / FILES)))
echo "$FLOOR"
COST_MS=$(echo "$FLOOR" | sed -E 's/.*durability costs ([0-9.]+) ms\/file.*/\1/')
BOUND=$(echo "$S_SCP + $FILES * $COST_MS / 1000" | bc -l)
printf "bound for a durable receiver: storescp + %d x %.3f ms = %.3f s, i.e. at most %.2f x storescp\n" \
  "$FILES" "$COST_MS" "$BOUND" "$(echo "$S_SCP / $BOUND" | bc -l)"
printf "ctscreen reaches %.0f%% of that bound\n" "$(echo "100 * $BOUND / $S_CT" | bc -l)"
