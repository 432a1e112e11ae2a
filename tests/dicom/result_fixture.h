// A small phantom case written as DICOM and read back the way the pipeline reads it, with its
// truth masks in the reader's slice order: stand-ins for model output in the writer tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ctscreen/dicom/seg_writer.h"
#include "ctscreen/dicom/source_series.h"
#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::dicom::testing {

struct PhantomResult {
  std::filesystem::path dir;     // the case's temporary folder (removed at exit)
  std::filesystem::path ct_dir;  // its CT files
  SourceSeries source;
  std::vector<std::int16_t> hu;       // reader order, as read
  std::vector<std::uint8_t> lungs;    // reader order, 1 left, 2 right
  std::vector<std::uint8_t> lesions;  // reader order, LesionTruth::id
  std::vector<phantom::LesionTruth> truth;
  double lung_volume_ml = 0;
};

// Generated once per process (about a second each): COVID cases of `--size small`, head first
// and feet first (mirrored row direction, slices stored bottom to top).
const PhantomResult& CovidPhantom();
const PhantomResult& FeetFirstPhantom();

// One segment per lesion (binary mask of its id), optionally the lungs last.
std::vector<SegmentInput> LesionSegments(const PhantomResult& phantom, bool with_lungs);

AlgorithmInfo TestAlgorithm();

// dciodvfy's output lines that start with "Error" (empty: valid) and all its warning lines.
struct Validation {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};
Validation Dciodvfy(const std::string& path);

// Runs a command, returns its exit status and its stdout+stderr.
int RunCommand(const std::string& command, std::string* output);

// Writes bytes to a file (masks for the Python checker).
void WriteBytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

std::string TestSourceDir();  // tests/dicom

}  // namespace ctscreen::dicom::testing
