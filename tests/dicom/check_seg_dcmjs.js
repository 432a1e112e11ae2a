// Parses a SEG with dcmjs (the OHIF viewer's DICOM parser) and maps every frame to a CT slice
// of the study, the way a viewer overlays it: by the referenced SOP Instance UID and, as a
// cross-check, by ImagePositionPatient. usage: node check_seg_dcmjs.js SEG.dcm CT_DIR
// Needs NODE_PATH (or a node_modules above) with dcmjs. Prints problems; exits 1 on any.
"use strict";
const fs = require("fs");
const path = require("path");
const dcmjs = require("dcmjs");

function read(file) {
  const buffer = fs.readFileSync(file);
  const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length);
  const dicom = dcmjs.data.DicomMessage.readFile(arrayBuffer);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dicom.dict);
}
function asArray(value) {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

const [segPath, ctDir] = process.argv.slice(2);
const problems = [];
const ct = new Map();
for (const name of fs.readdirSync(ctDir)) {
  if (!name.endsWith(".dcm")) continue;
  const ds = read(path.join(ctDir, name));
  ct.set(ds.SOPInstanceUID, ds);
}
const seg = read(segPath);
if (seg.Modality !== "SEG") problems.push(`Modality ${seg.Modality}`);
if (seg.SegmentationType !== "BINARY") problems.push(`SegmentationType ${seg.SegmentationType}`);
const segments = asArray(seg.SegmentSequence);
const frames = asArray(seg.PerFrameFunctionalGroupsSequence);
if (Number(seg.NumberOfFrames) !== frames.length) {
  problems.push(`NumberOfFrames ${seg.NumberOfFrames} but ${frames.length} per-frame groups`);
}
const pixels = dcmjs.data.BitArray.unpack(seg.PixelData[0] || seg.PixelData);
const frameSize = seg.Rows * seg.Columns;
let mapped = 0;
frames.forEach((fg, i) => {
  const segNumber = asArray(fg.SegmentIdentificationSequence)[0].ReferencedSegmentNumber;
  if (!segments.some((s) => s.SegmentNumber === segNumber)) {
    problems.push(`frame ${i + 1}: segment ${segNumber} is not in SegmentSequence`);
  }
  const derivation = asArray(fg.DerivationImageSequence)[0];
  const source = derivation ? asArray(derivation.SourceImageSequence)[0] : undefined;
  const uid = source && source.ReferencedSOPInstanceUID;
  const slice = ct.get(uid);
  if (!slice) {
    problems.push(`frame ${i + 1}: references ${uid}, which is no CT slice of the study`);
    return;
  }
  if (slice.StudyInstanceUID !== seg.StudyInstanceUID) problems.push(`frame ${i + 1}: study`);
  if (slice.FrameOfReferenceUID !== seg.FrameOfReferenceUID) problems.push(`frame ${i + 1}: FoR`);
  const pos = asArray(fg.PlanePositionSequence)[0].ImagePositionPatient.map(Number);
  const ipp = slice.ImagePositionPatient.map(Number);
  if (pos.some((v, c) => Math.abs(v - ipp[c]) > 1e-3)) {
    problems.push(`frame ${i + 1}: position ${pos} differs from its CT slice's ${ipp}`);
  }
  if (slice.Rows !== seg.Rows || slice.Columns !== seg.Columns) problems.push(`frame ${i + 1}: size`);
  let set = 0;
  for (let p = i * frameSize; p < (i + 1) * frameSize; ++p) set += pixels[p] ? 1 : 0;
  if (set === 0 && !process.argv.includes("--empty-frames")) problems.push(`frame ${i + 1}: empty`);
  mapped += 1;
});
for (const p of problems) console.log(p);
console.log(`${problems.length ? "FAIL" : "OK"}: ${mapped} of ${frames.length} frames mapped ` +
            `to ${ct.size} CT slices, ${segments.length} segments`);
process.exit(problems.length ? 1 : 0);
