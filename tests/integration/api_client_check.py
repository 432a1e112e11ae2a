#!/usr/bin/python3
"""Independent client of ctscreen's API for the integration tests: Debian's python3-grpcio
(no ctscreen code) calls the standard grpc.health.v1 service and StatusService.GetStats, and
prometheus_client's own parser reads /metrics. Prints what it saw as JSON.

usage: api_client_check.py GRPC_ADDRESS METRICS_URL TOKEN PROTO_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

import grpc
from prometheus_client.parser import text_string_to_metric_families


def main():
    address, metrics_url, token, proto_dir = sys.argv[1:5]
    out = {}
    channel = grpc.insecure_channel(address)
    metadata = [("authorization", "Bearer " + token)] if token else []

    # grpc.health.v1.Health/Check with an empty HealthCheckRequest; the answer's field 1 is
    # the status enum (1 = SERVING), decoded by hand so no generated code is needed.
    check = channel.unary_unary("/grpc.health.v1.Health/Check",
                                request_serializer=lambda _: b"",
                                response_deserializer=lambda raw: raw)
    raw = check(None, timeout=10)
    out["health_status"] = raw[1] if len(raw) >= 2 and raw[0] == 0x08 else 0

    # StatusService.GetStats with messages generated from the project's .proto files.
    with tempfile.TemporaryDirectory() as gen:
        subprocess.run(["protoc", "-I", proto_dir, "--python_out", gen,
                        "ctscreen/v1/jobs.proto", "ctscreen/v1/status.proto"], check=True)
        sys.path.insert(0, gen)
        from ctscreen.v1 import status_pb2  # noqa: E402
        get_stats = channel.unary_unary(
            "/ctscreen.v1.StatusService/GetStats",
            request_serializer=status_pb2.GetStatsRequest.SerializeToString,
            response_deserializer=status_pb2.GetStatsResponse.FromString)
        stats = get_stats(status_pb2.GetStatsRequest(), metadata=metadata, timeout=10)
        from ctscreen.v1 import jobs_pb2  # noqa: E402
        out["stats"] = {
            "instances_stored": stats.instances_stored,
            "queue_depth": stats.queue_depth,
            "last_7_days": {jobs_pb2.JobState.Name(c.state).lower(): c.count
                            for c in stats.last_7_days},
            "latencies": {l.stage: {"p50_ms": l.p50_ms, "samples": l.samples}
                          for l in stats.latencies},
        }

    text = urllib.request.urlopen(metrics_url, timeout=10).read().decode()
    metrics = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            metrics[sample.name + ("{" + labels + "}" if labels else "")] = sample.value
    out["metrics"] = metrics
    print(json.dumps(out))


if __name__ == "__main__":
    main()
