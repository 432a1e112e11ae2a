#!/usr/bin/env python3
"""Short table of a screening_bench report (scripts/gpu-check.sh prints it last)."""
import json
import sys


def main(path):
    r = json.load(open(path))
    print(f"device {r['device']}, built {r['date']}")
    print()
    print("| what | precision | inference ms (target < 300) | in-memory path ms (target < 800) | peak GPU GiB |")
    print("|---|---|---|---|---|")
    for key, label in (("full_size_instance_norm", "full-size, InstanceNorm"),
                       ("full_size_batch_norm", "full-size, BatchNorm")):
        for row in r.get(key, {}).get("rows", []):
            print(f"| {label} | {row['precision']} | {row['inference_ms']:.0f} | "
                  f"{row['in_memory_path_ms']:.0f} | {row['peak_gpu_gib']:.1f} |")
    shipped = r.get("shipped", {})
    for row in shipped.get("rows", []):
        print(f"| shipped bundle (Screener::Run) | {row['precision']} | {row['screening_ms']:.0f} | "
              f"{row['upload_resample_ms'] + row['screening_ms']:.0f} | {row['peak_gpu_gib']:.2f} |")
    if shipped.get("rows"):
        print()
        print(f"shipped bundle on the CPU ({shipped.get('cpu_threads')} threads): "
              f"{shipped['cpu_ms']:.0f} ms; GPU vs CPU: " + "; ".join(
                  f"{x['precision']} lung Dice {x['lung_dice_vs_cpu']:.4f}, lesion Dice "
                  f"{x['lesion_dice_vs_cpu']:.4f}, p {x['probability']:.3f} vs {x['probability_cpu']:.3f}, "
                  f"{x['verdict']} vs {x['verdict_cpu']}" for x in shipped["rows"]))
    agreement = r.get("agreement", [])
    if agreement:
        worst = {}
        for a in agreement:
            w = worst.setdefault(a["precision"], [0.0, 1.0])
            w[0] = max(w[0], a["max_relative_error"])
            if a["stage"] != "classifier":
                w[1] = min(w[1], a["argmax_agreement"])
        print()
        print("full-size models vs CPU fp32, worst over stages: " + "; ".join(
            f"{p} rel. error {e:.1e}, argmax agreement {g:.4f}" for p, (e, g) in worst.items()))
    t = r.get("throughput", [])
    if t:
        print()
        print("throughput (shipped bundle, decoded volume to verdict): " + "; ".join(
            f"{x['workers']} worker(s) {x['studies_per_s']:.2f} studies/s" for x in t))


if __name__ == "__main__":
    main(sys.argv[1])
