#include "result_fixture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "ctscreen/dicom/series_reader.h"
#include "ctscreen/phantom/case_generator.h"
#include "ctscreen/phantom/ct_writer.h"

namespace ctscreen::dicom::testing {
namespace {

namespace fs = std::filesystem;

struct Cleanup {
  fs::path dir;
  ~Cleanup() {
    std::error_code ignored;
    if (!dir.empty()) fs::remove_all(dir, ignored);
  }
};

// Reorders a phantom mask (phantom slice k) into the reader's slice order by matching each
// read slice's ImagePositionPatient to the phantom's slice positions: the reader sorts along
// the slice normal, which feet-first phantoms run the other way.
std::vector<std::uint8_t> ToReaderOrder(const phantom::LabelVolume& mask,
                                        const std::vector<imaging::SliceRef>& slices) {
  const phantom::Geometry& g = mask.geometry;
  std::vector<std::uint8_t> out(mask.voxels.size(), 0);
  const std::size_t slice_voxels = g.SliceVoxels();
  for (std::size_t r = 0; r < slices.size(); ++r) {
    int match = -1;
    for (int k = 0; k < g.size[2]; ++k) {
      const phantom::Vec3 p = g.IndexToWorld(0, 0, k);
      double d = 0;
      for (int c = 0; c < 3; ++c) d += std::abs(p[c] - slices[r].position[c]);
      if (d < 0.05) match = k;  // IPP may be stored with 3 decimals only
    }
    if (match < 0) {
      ADD_FAILURE() << "no phantom slice at the position of read slice " << r;
      continue;
    }
    std::copy_n(mask.voxels.begin() + match * slice_voxels, slice_voxels,
                out.begin() + r * slice_voxels);
  }
  return out;
}

PhantomResult Build(std::uint64_t seed) {
  static Cleanup cleanup;
  PhantomResult result;
  cleanup.dir = fs::temp_directory_path() / ("ctscreen_results_" + std::to_string(::getpid()));
  result.dir = cleanup.dir / ("seed_" + std::to_string(seed));
  result.ct_dir = result.dir / "ct";
  fs::create_directories(result.ct_dir);
  const phantom::PhantomCase c =
      phantom::GenerateCase(seed, 0, phantom::CaseClass::kCovid, phantom::SizeMode::kSmall);
  auto written = phantom::WriteCtStudy(c, phantom::TransferSyntax::kExplicitVrLittleEndian,
                                       result.ct_dir.string());
  if (!written.ok()) {
    ADD_FAILURE() << written.status().ToString();
    return result;
  }
  SeriesReadOptions options;
  options.limits.min_slices = 1;
  auto volume = SeriesReader(options).Read(written->ct_files);
  if (!volume.ok()) {
    ADD_FAILURE() << volume.status().ToString();
    return result;
  }
  result.source = SourceSeriesFrom(volume->geometry(), volume->slices, volume->study_uid,
                                   volume->series_uid, volume->frame_of_reference_uid);
  const std::int16_t* hu = volume->image->GetBufferPointer();
  result.hu.assign(hu, hu + volume->geometry().VoxelCount());
  result.lungs = ToReaderOrder(c.lungs, volume->slices);
  result.lesions = ToReaderOrder(c.lesions, volume->slices);
  result.truth = c.lesion_truth;
  result.lung_volume_ml = c.lung_volume_ml[0] + c.lung_volume_ml[1];
  return result;
}

}  // namespace

const PhantomResult& CovidPhantom() {
  static const PhantomResult phantom = Build(11);
  return phantom;
}

const PhantomResult& FeetFirstPhantom() {
  static const PhantomResult phantom = Build(5);
  return phantom;
}

std::vector<SegmentInput> LesionSegments(const PhantomResult& phantom, bool with_lungs) {
  std::vector<SegmentInput> segments;
  for (const phantom::LesionTruth& lesion : phantom.truth) {
    SegmentInput s;
    s.kind = lesion.covid_like ? SegmentKind::kCovidLesion : SegmentKind::kOtherLesion;
    s.label = "Lesion " + std::to_string(lesion.id);
    s.description = lesion.kind;
    s.mask = SegmentMask(phantom.lesions, static_cast<std::uint8_t>(lesion.id));
    segments.push_back(std::move(s));
  }
  if (with_lungs) {
    SegmentInput s;
    s.kind = SegmentKind::kLung;
    s.label = "Lungs";
    s.mask = SegmentMask(phantom.lungs);
    segments.push_back(std::move(s));
  }
  return segments;
}

AlgorithmInfo TestAlgorithm() {
  AlgorithmInfo info;
  info.bundle_name = "phantom-truth";
  info.bundle_version = "1.0.0";
  info.software_version = "test";
  return info;
}

int RunCommand(const std::string& command, std::string* output) {
  output->clear();
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output->append(buffer, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Validation Dciodvfy(const std::string& path) {
  Validation v;
  std::string output;
  RunCommand("/usr/bin/dciodvfy '" + path + "'", &output);
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(start, end - start);
    if (line.rfind("Error", 0) == 0) v.errors.push_back(line);
    if (line.rfind("Warning", 0) == 0) v.warnings.push_back(line);
    start = end + 1;
  }
  return v;
}

void WriteBytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::string TestSourceDir() {
  const char* env = std::getenv("CTSCREEN_SOURCE_DIR");
  if (env != nullptr) return std::string(env) + "/tests/dicom";
  return CTSCREEN_DICOM_TEST_DIR;
}

}  // namespace ctscreen::dicom::testing
