"""Checks a trace_viz JSON file: it parses, has a named track per core, and every flow event
(a send) sits on a slice of the same thread, timestamp and category, so that viewers bind it."""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
events = doc["traceEvents"]
slices = {(e["tid"], e["ts"], e["cat"]) for e in events if e["ph"] == "X"}
tracks = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
flows = [e for e in events if e["ph"] in ("s", "f")]
for e in flows:
    if (e["tid"], e["ts"], e["cat"]) not in slices:
        sys.exit(f"flow event not on a slice: {e}")
starts = sorted(e["id"] for e in flows if e["ph"] == "s")
ends = sorted(e["id"] for e in flows if e["ph"] == "f")
if starts != ends or not starts:
    sys.exit(f"flow starts {starts} and ends {ends} do not pair up")
want = int(sys.argv[2])
if tracks != {f"core {c}" for c in range(want)} | {"outside"}:
    sys.exit(f"tracks {sorted(tracks)}, expected core 0..{want - 1} and outside")
print(f"ok: {len(slices)} slices, {len(starts)} flows, tracks {sorted(tracks)}")
