#!/usr/bin/env python3
"""What the model grid alone costs in lesion Dice: each phantom's truth lesions are taken to the
analysis grid and back, as a perfect lesion model's output would be, and compared with
themselves on the CT's grid.

  scripts/grid_ceiling.py CASES_DIR [--spacing X Y Z]

Two ways back: nearest neighbour (what MapToSourceStage does with the label map) and a soft one
(the fraction of each model voxel that is lesion, interpolated linearly and cut at 0.5). Reads
the phantom's lesions.nrrd (raw or gzip) and truth.json; numpy only. It measures the grid, not
min_lesion_volume_ml: components under it would be dropped on top of this.
"""
import argparse, glob, json
import numpy as np

from nrrd_file import read_nrrd


def dice(a, b):
    total = a.sum() + b.sum()
    return 2 * (a & b).sum() / total if total else 1.0


def nearest_round_trip(mask, spacing, model):
    index = []
    for axis in range(3):
        n, s, m = mask.shape[axis], spacing[axis], model[axis]
        nm = int(np.floor((n - 1) * s / m)) + 1
        down = np.clip(np.rint(np.arange(nm) * m / s).astype(int), 0, n - 1)
        back = np.clip(np.rint(np.arange(n) * s / m).astype(int), 0, nm - 1)
        index.append(down[back])
    return mask[np.ix_(*index)]


def soft_round_trip(mask, spacing, model):
    f = mask.astype(np.float32)
    for axis in range(3):
        n, s, m = f.shape[axis], spacing[axis], model[axis]
        nm = int(np.floor((n - 1) * s / m)) + 1
        centres, half = np.arange(nm) * m / s, m / s / 2
        box = np.zeros((nm, n), np.float32)  # mean over each model voxel's extent
        for j in range(nm):
            lo = max(int(np.ceil(centres[j] - half)), 0)
            hi = min(int(np.floor(centres[j] + half)), n - 1)
            if hi < lo:
                lo = hi = int(min(max(round(centres[j]), 0), n - 1))
            box[j, lo:hi + 1] = 1.0 / (hi - lo + 1)
        pos = np.arange(n) * s / m
        i0 = np.clip(np.floor(pos).astype(int), 0, nm - 1)
        i1 = np.clip(i0 + 1, 0, nm - 1)
        w = pos - np.floor(pos)
        linear = np.zeros((n, nm), np.float32)
        linear[np.arange(n), i0] += 1 - w
        linear[np.arange(n), i1] += w
        f = np.moveaxis(np.tensordot(linear @ box, np.moveaxis(f, axis, 0), axes=(1, 0)), 0, axis)
    return f >= 0.5


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('cases')
    ap.add_argument('--spacing', nargs=3, type=float, default=[2.0, 2.0, 2.5], metavar=('X', 'Y', 'Z'))
    a = ap.parse_args()
    model = a.spacing[::-1]  # z, y, x
    per_class = {}
    for case in sorted(glob.glob(a.cases + '/case_*')):
        cls = json.load(open(case + '/truth.json'))['class']
        labels, directions, _ = read_nrrd(case + '/lesions.nrrd')
        spacing = [float(np.linalg.norm(v)) for v in directions][::-1]
        truth = labels > 0
        if not truth.any():
            continue
        d = (dice(truth, nearest_round_trip(truth, spacing, model)),
             dice(truth, soft_round_trip(truth, spacing, model)))
        per_class.setdefault(cls, []).append(d)
        print(f"{case.split('/')[-1]} {cls:16s} spacing {spacing[2]:.2f} x {spacing[1]:.2f} x "
              f"{spacing[0]:.2f} mm  nearest {d[0]:.3f}  soft {d[1]:.3f}", flush=True)
    print('class             cases  nearest  soft')
    for cls, v in sorted(per_class.items()):
        m = np.mean(v, axis=0)
        print(f'{cls:16s} {len(v):6d}  {m[0]:.3f}    {m[1]:.3f}')
    m = np.mean([x for v in per_class.values() for x in v], axis=0)
    print(f"{'all':16s} {sum(len(v) for v in per_class.values()):6d}  {m[0]:.3f}    {m[1]:.3f}")


if __name__ == '__main__':
    main()
