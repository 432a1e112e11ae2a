#!/usr/bin/python3
"""Reads what the WriteResults stage wrote (`ctscreen seg-from-truth CASE --lungs --overlay`)
back with pydicom and compares it with the phantom's truth masks: each lesion segment holds
exactly its lesion's voxels, the lungs segment the lungs', and there is one overlay per slice
that holds a lesion, referencing that slice's CT instance.
usage: check_written_results.py CASE_DIR OUT_DIR
Prints one line per problem and exits 1 when there is any.
"""
import glob
import os
import sys

import numpy as np
import pydicom

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from nrrd_file import read_nrrd  # noqa: E402  (the project's one NRRD reader)


def main():
    case_dir, out_dir = sys.argv[1], sys.argv[2]
    problems = []
    lesions = read_nrrd(os.path.join(case_dir, "lesions.nrrd"))[0]
    lungs = read_nrrd(os.path.join(case_dir, "lungs.nrrd"))[0]

    seg = pydicom.dcmread(os.path.join(out_dir, "seg.dcm"))
    frames = seg.pixel_array.reshape(-1, seg.Rows, seg.Columns)
    label_of = {int(s.SegmentNumber): str(s.SegmentLabel) for s in seg.SegmentSequence}
    counted = {}
    for f, item in enumerate(seg.PerFrameFunctionalGroupsSequence):
        number = int(item.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        counted[number] = counted.get(number, 0) + int(frames[f].sum())
    ids = sorted(int(i) for i in np.unique(lesions) if i)
    expected = {f"Lesion {i}": int((lesions == i).sum()) for i in ids}
    expected["Lungs"] = int((lungs != 0).sum())
    got = {label_of[n]: c for n, c in counted.items()}
    for label, voxels in expected.items():
        if got.get(label) != voxels:
            problems.append(f"segment '{label}': {got.get(label)} voxels, truth {voxels}")
    for label in got:
        if label not in expected:
            problems.append(f"segment '{label}' is not in the truth")

    overlays = sorted(glob.glob(os.path.join(out_dir, "overlay", "*.dcm")))
    slices_with_lesion = int((lesions.reshape(lesions.shape[0], -1) != 0).any(axis=1).sum())
    if len(overlays) != slices_with_lesion:
        problems.append(f"{len(overlays)} overlays for {slices_with_lesion} slices with a lesion")
    ct_uids = set()
    for path in glob.glob(os.path.join(case_dir, "dicom", "**", "CT_*.dcm"), recursive=True):
        ct_uids.add(str(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID))
    for path in overlays:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        refs = [str(r.ReferencedSOPInstanceUID)
                for r in ds.get("SourceImageSequence", [])]
        if not refs or refs[0] not in ct_uids:
            problems.append(f"{os.path.basename(path)} references no CT slice of the case")

    for p in problems:
        print(p)
    print(f"{len(expected)} segments, {len(overlays)} overlays checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
