#!/usr/bin/python3
"""Reads a ctscreen TID 1500 SR back with pydicom and checks what a reader relies on.

usage: check_sr.py SR.dcm VERDICT_MEANING LESION_GROUPS SEG_UID|none CT_INSTANCES
Checks: template TID 1500, the verdict, one volumetric group per lesion with a volume in
UCUM "ml", the SEG referenced (or not at all), every referenced instance in the Current
Requested Procedure Evidence, all CT instances listed there, the screening-aid notice.
Prints one line per problem and exits 1 when there is any.
"""
import sys

import pydicom


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("ContentSequence", []))


def main():
    path, verdict, groups, seg_uid, ct_count = sys.argv[1:6]
    ds = pydicom.dcmread(path)
    problems = []
    if ds.ContentTemplateSequence[0].TemplateIdentifier != "1500":
        problems.append("root template is not TID 1500")
    evidence = {}
    for study in ds.get("CurrentRequestedProcedureEvidenceSequence", []):
        for series in study.ReferencedSeriesSequence:
            for inst in series.ReferencedSOPSequence:
                evidence[inst.ReferencedSOPInstanceUID] = inst.ReferencedSOPClassUID
    items = list(walk(ds.ContentSequence))
    referenced = set()
    for item in items:
        for ref in item.get("ReferencedSOPSequence", []):
            referenced.add(ref.ReferencedSOPInstanceUID)
            if ref.ReferencedSOPInstanceUID not in evidence:
                problems.append(f"{ref.ReferencedSOPInstanceUID} referenced, not in evidence")
    meanings = [i.ConceptCodeSequence[0].CodeMeaning for i in items
                if i.ValueType == "CODE"]
    if verdict not in meanings:
        problems.append(f"verdict '{verdict}' not found among {meanings}")
    n_groups = sum(1 for i in items if i.ValueType == "CONTAINER" and
                   i.ConceptNameCodeSequence[0].CodeValue == "125007" and
                   any(c.ConceptNameCodeSequence[0].CodeValue == "121071"
                       and c.ConceptCodeSequence[0].CodeValue == "52988006"
                       for c in i.get("ContentSequence", [])))
    if n_groups != int(groups):
        problems.append(f"{n_groups} lesion measurement groups, expected {groups}")
    for i in items:
        if i.ValueType == "NUM":
            unit = i.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0]
            if (unit.CodeValue, unit.CodingSchemeDesignator) != ("ml", "UCUM"):
                problems.append(f"volume unit {unit.CodeValue} {unit.CodingSchemeDesignator}")
    seg_refs = [r for i in items for r in i.get("ReferencedSOPSequence", [])
                if r.ReferencedSOPClassUID == "1.2.840.10008.5.1.4.1.1.66.4"]
    if seg_uid == "none":
        if seg_refs or any(c == "1.2.840.10008.5.1.4.1.1.66.4" for c in evidence.values()):
            problems.append("a SEG is referenced although none was written")
    else:
        if int(groups) and not seg_refs:
            problems.append("no Referenced Segment")
        for r in seg_refs:
            if r.ReferencedSOPInstanceUID != seg_uid:
                problems.append(f"segment reference to {r.ReferencedSOPInstanceUID}")
            if "ReferencedSegmentNumber" not in r:
                problems.append("Referenced Segment without a segment number")
        if seg_uid not in evidence:
            problems.append("the SEG is not in the evidence")
    n_ct = sum(1 for c in evidence.values() if c == "1.2.840.10008.5.1.4.1.1.2")
    if n_ct != int(ct_count):
        problems.append(f"{n_ct} CT instances in the evidence, expected {ct_count}")
    texts = " ".join(str(i.TextValue) for i in items if i.ValueType == "TEXT")
    if "not a diagnosis" not in texts:
        problems.append("no screening-aid notice")
    for p in problems:
        print(p)
    print(f"{'FAIL' if problems else 'OK'}: {len(items)} content items, {len(referenced)} "
          f"instances referenced, {len(evidence)} in evidence")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
