#!/usr/bin/python3
"""Reads a SEG back with pydicom and compares it with the expected masks voxel for voxel.

Each frame is placed on the source grid through the CT instance it references (Derivation
Image / Source Image), and its Plane Position must equal that slice's ImagePositionPatient.
usage: check_seg.py SEG.dcm EXPECTED_DIR [--empty-frames]
EXPECTED_DIR holds source.json (grid and slice UIDs in the reader's order) and
segment_<n>.raw (uint8, columns fastest, then rows, then slices) per segment number n.
Prints one line per problem and exits 1 when there is any.
"""
import json
import os
import sys

import numpy as np
import pydicom


def main():
    seg_path, expected_dir = sys.argv[1], sys.argv[2]
    empty_frames = "--empty-frames" in sys.argv[3:]
    with open(os.path.join(expected_dir, "source.json")) as f:
        src = json.load(f)
    rows, cols = src["rows"], src["columns"]
    uids = [s["uid"] for s in src["slices"]]
    slice_of = {uid: k for k, uid in enumerate(uids)}
    problems = []

    ds = pydicom.dcmread(seg_path)
    def expect(name, actual, wanted):
        if actual != wanted:
            problems.append(f"{name}: {actual!r}, expected {wanted!r}")
    expect("SOPClassUID", ds.SOPClassUID, "1.2.840.10008.5.1.4.1.1.66.4")
    expect("Modality", ds.Modality, "SEG")
    expect("SegmentationType", ds.SegmentationType, "BINARY")
    expect("BitsAllocated", ds.BitsAllocated, 1)
    expect("Rows", ds.Rows, rows)
    expect("Columns", ds.Columns, cols)
    expect("StudyInstanceUID", ds.StudyInstanceUID, src["study_uid"])
    expect("FrameOfReferenceUID", ds.FrameOfReferenceUID, src["frame_of_reference_uid"])
    expect("TransferSyntax", str(ds.file_meta.TransferSyntaxUID), "1.2.840.10008.1.2.1")
    if ds.SeriesInstanceUID == src["series_uid"]:
        problems.append("SEG reuses the CT's SeriesInstanceUID")
    for key in ("PatientName", "PatientID"):
        expect(key, str(ds.get(key, "")), src.get(key.lower(), ""))

    n_segments = len(ds.SegmentSequence)
    labels = [str(s.SegmentLabel) for s in ds.SegmentSequence]
    expect("segment labels", labels, src["labels"])
    for s in ds.SegmentSequence:
        expect(f"segment {s.SegmentNumber} algorithm type", s.SegmentAlgorithmType, "AUTOMATIC")
        if "RecommendedDisplayCIELabValue" not in s:
            problems.append(f"segment {s.SegmentNumber} has no RecommendedDisplayCIELabValue")
        cat = s.SegmentedPropertyCategoryCodeSequence[0]
        if cat.CodingSchemeDesignator != "SCT":
            problems.append(f"segment {s.SegmentNumber} category is not SNOMED CT")

    pointers = [int(d.DimensionIndexPointer) for d in ds.DimensionIndexSequence]
    expect("DimensionIndexPointer", pointers, [0x0062000B, 0x00200032])
    frames = ds.pixel_array
    if frames.ndim == 2:
        frames = frames[np.newaxis]
    n_frames = int(ds.NumberOfFrames)
    expect("frames in pixel data", frames.shape[0], n_frames)
    got = np.zeros((n_segments + 1, len(uids), rows, cols), dtype=np.uint8)
    seen = set()
    pffg = ds.PerFrameFunctionalGroupsSequence
    shared = ds.SharedFunctionalGroupsSequence[0]
    iop = [float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient]
    if any(abs(a - b) > 1e-5 for a, b in zip(iop, src["orientation"])):
        problems.append(f"orientation {iop} != {src['orientation']}")
    for i, fg in enumerate(pffg):
        number = int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
        source = fg.DerivationImageSequence[0].SourceImageSequence[0]
        uid = source.ReferencedSOPInstanceUID
        if uid not in slice_of:
            problems.append(f"frame {i + 1} references {uid}, not a slice of the source series")
            continue
        k = slice_of[uid]
        expect(f"frame {i + 1} source SOP class", source.ReferencedSOPClassUID,
               "1.2.840.10008.5.1.4.1.1.2")
        pos = [float(v) for v in fg.PlanePositionSequence[0].ImagePositionPatient]
        if any(abs(a - b) > 1e-3 for a, b in zip(pos, src["slices"][k]["position"])):
            problems.append(f"frame {i + 1}: position {pos} is not slice {k}'s")
        div = [int(v) for v in fg.FrameContentSequence[0].DimensionIndexValues]
        expect(f"frame {i + 1} DimensionIndexValues", div, [number, k + 1])
        if (number, k) in seen:
            problems.append(f"frame {i + 1}: second frame for segment {number} slice {k}")
        seen.add((number, k))
        if not empty_frames and not frames[i].any():
            problems.append(f"frame {i + 1} is empty")
        got[number, k] = frames[i]

    referenced = set()
    for series in ds.get("ReferencedSeriesSequence", []):
        expect("ReferencedSeriesSequence series", series.SeriesInstanceUID, src["series_uid"])
        for inst in series.ReferencedInstanceSequence:
            referenced.add(inst.ReferencedSOPInstanceUID)
    frame_refs = {uids[k] for _, k in seen}
    if not frame_refs <= referenced:
        problems.append(f"{len(frame_refs - referenced)} frame sources missing from "
                        "ReferencedSeriesSequence")

    for n in range(1, n_segments + 1):
        raw = np.fromfile(os.path.join(expected_dir, f"segment_{n}.raw"), dtype=np.uint8)
        want = (raw.reshape(len(uids), rows, cols) != 0).astype(np.uint8)
        if not want.any():
            problems.append(f"expected mask of segment {n} is empty")
        if not got[n].any():
            problems.append(f"segment {n} is empty in the SEG")
        diff = int(np.count_nonzero(want != got[n]))
        if diff:
            problems.append(f"segment {n}: {diff} voxels differ from the mask")
        slices_with = {k for k in range(len(uids)) if want[k].any()}
        slices_framed = {k for (m, k) in seen if m == n}
        if empty_frames:
            if slices_framed != set(range(len(uids))):
                problems.append(f"segment {n}: not one frame per slice")
        elif slices_framed != slices_with:
            problems.append(f"segment {n}: frames on {len(slices_framed)} slices, mask on "
                            f"{len(slices_with)}")
    for p in problems:
        print(p)
    print(f"{'FAIL' if problems else 'OK'}: {n_frames} frames, {n_segments} segments")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
