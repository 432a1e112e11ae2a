// preprocess_bench DIR [--repeat N] [--threads T]: read + resample + window of the CT series in
// DIR, per stage (median of N runs), peak RSS, and the floor: one plain copy of the volume's
// bytes in memory. Prints Markdown table rows.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ctscreen/dicom/series_reader.h"
#include "ctscreen/imaging/preprocess.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace ctscreen;

double Ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024.0 / 1e6;  // ru_maxrss is in KiB
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "preprocess_bench: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Fail("usage: preprocess_bench DIR [--repeat N] [--threads T]");
  const std::string dir = argv[1];
  int repeat = 3, threads = 0;
  for (int n = 2; n + 1 < argc; n += 2) {
    if (!std::strcmp(argv[n], "--repeat")) repeat = std::atoi(argv[n + 1]);
    if (!std::strcmp(argv[n], "--threads")) threads = std::atoi(argv[n + 1]);
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files.push_back(entry.path().string());
  }
  const imaging::PreprocessSpec spec = imaging::PaperPreprocessSpec();
  dicom::SeriesReadOptions options;
  options.threads = threads;
  std::map<std::string, std::vector<double>> ms;
  std::size_t volume_bytes = 0;
  imaging::GeometryInfo source, grid;
  for (int run = 0; run < repeat; ++run) {
    auto start = Clock::now();
    std::vector<dicom::SliceHeader> headers;
    for (const std::string& f : files) {
      auto h = dicom::ReadSliceHeader(f);
      if (!h.ok()) Fail(h.status().ToString());
      headers.push_back(std::move(*h));
    }
    ms["read: headers"].push_back(Ms(start));
    start = Clock::now();
    auto ct = dicom::SeriesReader(options).Read(headers);
    if (!ct.ok()) Fail(ct.status().ToString());
    ms["read: geometry + decode"].push_back(Ms(start));
    source = ct->geometry();
    volume_bytes = source.VoxelCount() * sizeof(std::int16_t);

    // The whole volume as the crop: the worst case (a lung crop only makes it cheaper).
    start = Clock::now();
    const imaging::IndexBox all{{0, 0, 0}, source.size};
    grid = imaging::ModelGridFor(source, all, spec.spacing_mm);
    auto hu = imaging::ResampleCt(*ct->image, grid);
    if (!hu.ok()) Fail(hu.status().ToString());
    ms["resample (linear, to 1 x 1 x 2.5 mm)"].push_back(Ms(start));
    start = Clock::now();
    auto reference = imaging::ResampleCt(*ct->image, grid, imaging::ResampleMethod::kItk);
    if (!reference.ok()) Fail(reference.status().ToString());
    ms["itk"].push_back(Ms(start));
    reference = core::Status();  // free it before windowing, as the pipeline would
    start = Clock::now();
    auto lung = imaging::WindowedInput(**hu, spec.lung_window, "lung", all);
    auto lesion = imaging::WindowedInput(**hu, spec.lesion_window, "lesion", all);
    ms["window (lung + lesion)"].push_back(Ms(start));
    if (lung.voxels.empty() || lesion.voxels.empty()) Fail("empty model input");
  }
  const double pipeline_peak_mb = PeakRssMb();
  // The floor: one copy of the volume's bytes, into memory already faulted in.
  std::vector<char> from(volume_bytes, 1), to(volume_bytes, 0);
  std::vector<double> copy;
  for (int run = 0; run < std::max(3, repeat); ++run) {
    auto start = Clock::now();
    std::memcpy(to.data(), from.data(), volume_bytes);
    copy.push_back(Ms(start));
    from[run] = to[volume_bytes - 1 - run];  // keep the copy observable
  }
  const double floor = Median(copy);

  double total = 0;
  std::printf("series: %d x %d x %d int16 (%.1f MB), %zu files; model grid %d x %d x %d\n",
              source.size[0], source.size[1], source.size[2], volume_bytes / 1e6, files.size(),
              grid.size[0], grid.size[1], grid.size[2]);
  std::printf("| stage | median ms (of %d) | x floor |\n|---|---:|---:|\n", repeat);
  for (const char* stage : {"read: headers", "read: geometry + decode",
                            "resample (linear, to 1 x 1 x 2.5 mm)", "window (lung + lesion)"}) {
    const double m = Median(ms[stage]);
    total += m;
    std::printf("| %s | %.1f | %.1f |\n", stage, m, m / floor);
  }
  std::printf("| **total** | **%.1f** | **%.1f** |\n", total, total / floor);
  std::printf(
      "| (for reference, not in the total: the same resample with ITK's "
      "ResampleImageFilter) | %.1f | %.1f |\n",
      Median(ms["itk"]), Median(ms["itk"]) / floor);
  std::printf("| floor: one memcpy of the %.0f MB volume | %.1f | 1.0 |\n", volume_bytes / 1e6,
              floor);
  // Measured before the floor's own two buffers exist.
  std::printf("peak RSS of read + resample + window: %.0f MB (%.1f x the int16 volume)\n",
              pipeline_peak_mb, pipeline_peak_mb / (volume_bytes / 1e6));
  return 0;
}
