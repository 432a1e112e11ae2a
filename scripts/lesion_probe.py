#!/usr/bin/env python3
"""What the lesion model made of each truth lesion of a phantom: its volume, and the largest and
mean probability the model gave its voxels (the nearest model voxel to each, in space).

  scripts/lesion_probe.py CASE_DIR OUT_DIR

CASE_DIR is a phantom case (lesions.nrrd, truth.json); OUT_DIR holds lesion_probability.nrrd
from `ctscreen analyze CASE_DIR/dicom --out OUT_DIR --probabilities`. numpy only. A lesion whose
largest probability stays under 0.5 was not found by the model at all; one found but smaller
than the bundle's min_lesion_volume_ml is dropped by the analysis afterwards.
"""
import json
import sys

import numpy as np

from nrrd_file import read_nrrd


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    case_dir, out_dir = sys.argv[1], sys.argv[2]
    truth, t_dirs, t_origin = read_nrrd(case_dir + "/lesions.nrrd")
    prob, p_dirs, p_origin = read_nrrd(out_dir + "/lesion_probability.nrrd")
    p_spacing = np.diag(p_dirs)  # the model grid is axis-aligned (identity direction)
    kinds = {l["id"]: l.get("kind", "") for l in json.load(open(case_dir + "/truth.json"))["lesions"]}
    voxel_ml = abs(np.linalg.det(t_dirs)) / 1000.0
    print(f"{'lesion':>6} {'kind':<28} {'mL':>7} {'max p':>7} {'mean p':>7}")
    for lesion in sorted(int(v) for v in np.unique(truth) if v):
        k, j, i = np.nonzero(truth == lesion)
        ijk = np.stack([i, j, k], 1).astype(float)
        mm = t_origin + ijk @ t_dirs  # rows of t_dirs: the x, y, z steps in LPS
        m = np.rint((mm - p_origin) / p_spacing).astype(int)
        inside = np.all((m >= 0) & (m < np.array(prob.shape[::-1])), axis=1)
        p = prob[m[inside, 2], m[inside, 1], m[inside, 0]]
        top = p.max() if p.size else float("nan")
        mean = p.mean() if p.size else float("nan")
        print(f"{lesion:>6} {kinds.get(lesion, ''):<28} {len(k) * voxel_ml:7.3f} {top:7.3f} "
              f"{mean:7.3f}")


if __name__ == "__main__":
    main()
