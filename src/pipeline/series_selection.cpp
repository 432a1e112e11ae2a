#include "ctscreen/pipeline/series_selection.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace ctscreen::pipeline {
namespace {

bool HasImageType(const std::string& image_type, const std::string& wanted) {
  std::size_t start = 0;
  while (start <= image_type.size()) {
    std::size_t end = image_type.find('\\', start);
    if (end == std::string::npos) end = image_type.size();
    if (image_type.compare(start, end - start, wanted) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

core::Result<SeriesSelection> SelectCtSeries(const std::string& dir, const SelectionRules& rules) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return core::Status(core::ErrorCode::kNotFound, dir + " is not a folder");
  }
  SeriesSelection selection;
  std::map<std::string, std::vector<dicom::SliceHeader>> by_series;
  std::vector<std::string> paths;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) paths.push_back(it->path().string());
  }
  std::sort(paths.begin(), paths.end());  // deterministic notes; order does not matter otherwise
  for (const std::string& path : paths) {
    auto header = dicom::ReadSliceHeader(path);
    if (!header.ok()) {
      ++selection.files_not_dicom;
      continue;
    }
    by_series[header->series_uid].push_back(std::move(*header));
  }
  selection.series_in_folder = static_cast<int>(by_series.size());
  std::string skipped;
  int skipped_count = 0;
  const std::string* best = nullptr;
  for (const auto& [uid, headers] : by_series) {
    const dicom::SliceHeader& first = headers.front();
    std::string why;
    if (first.modality != "CT") why = "modality " + first.modality;
    for (const std::string& type : rules.skip_image_types) {
      if (HasImageType(first.image_type, type)) why = type;
    }
    if (!why.empty()) {
      skipped += (skipped.empty() ? "" : ", ") + uid + " (" + why + ")";
      ++skipped_count;
      continue;
    }
    if (!best || headers.size() > by_series[*best].size()) best = &uid;
  }
  if (!best) {
    return core::Status(
        core::ErrorCode::kNotFound,
        "no CT series to analyse in " + dir + (skipped.empty() ? "" : "; skipped " + skipped));
  }
  selection.headers = std::move(by_series[*best]);
  selection.note = "chose series " + *best + " (" + std::to_string(selection.headers.size()) +
                   " slices) of " + std::to_string(selection.series_in_folder) + " in the folder";
  if (!skipped.empty()) selection.note += "; skipped " + skipped;
  const int others = selection.series_in_folder - 1 - skipped_count;
  if (others > 0) {
    selection.note += "; " + std::to_string(others) + " other CT series had fewer slices";
  }
  return selection;
}

}  // namespace ctscreen::pipeline
