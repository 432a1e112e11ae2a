// Orchestration only: headers in, geometry checked, slices decoded into the volume's own
// buffer (no intermediate copy of the series). No DCMTK here; slice_header.cpp and
// slice_decoder.cpp hold it.
#include "ctscreen/dicom/series_reader.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace ctscreen::dicom {

using core::ErrorCode;
using core::Status;

core::Result<imaging::CtVolume> SeriesReader::Read(const std::vector<std::string>& files) const {
  std::vector<SliceHeader> headers;
  headers.reserve(files.size());
  for (const std::string& path : files) {
    auto header = ReadSliceHeader(path);
    if (!header.ok()) return header.status();
    headers.push_back(std::move(*header));
  }
  return Read(headers);
}

core::Result<imaging::CtVolume> SeriesReader::Read(const std::vector<SliceHeader>& headers) const {
  if (headers.empty()) return Status(ErrorCode::kInvalidArgument, "no files to read");
  std::vector<imaging::SliceGeometry> geometry;
  geometry.reserve(headers.size());
  for (const SliceHeader& h : headers) {
    if (h.series_uid != headers[0].series_uid) {
      return Status(ErrorCode::kInvalidArgument,
                    "files of two series given to one read: " + headers[0].series_uid + " and " +
                        h.series_uid);
    }
    geometry.push_back(h.geometry);
  }
  auto stack = imaging::BuildStack(geometry, options_.limits);
  if (!stack.ok()) {
    return Status(stack.status().code(),
                  stack.status().reason() + " (series " + headers[0].series_uid + ")");
  }

  imaging::CtVolume volume;
  volume.study_uid = headers[0].study_uid;
  volume.series_uid = headers[0].series_uid;
  volume.frame_of_reference_uid = headers[0].frame_of_reference_uid;
  volume.image = imaging::NewHuImage(stack->geometry);
  const int slices = stack->geometry.size[2];
  const std::size_t slice_voxels =
      static_cast<std::size_t>(stack->geometry.size[0]) * stack->geometry.size[1];
  for (int k = 0; k < slices; ++k) {
    const SliceHeader& h = headers[stack->order[k]];
    volume.slices.push_back({h.sop_instance_uid, h.path, h.geometry.position});
  }

  // Decoding (JPEG, JPEG-LS, JPEG 2000) dominates reading: slices go to threads, each writing
  // its own slice of the buffer.
  int threads = options_.threads > 0 ? options_.threads
                                     : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, slices);
  std::atomic<int> next{0};
  std::vector<Status> errors(threads);
  std::int16_t* buffer = volume.image->GetBufferPointer();
  auto work = [&](int t) {
    for (int k = next++; k < slices; k = next++) {
      Status st = DecodeSliceHu(headers[stack->order[k]], buffer + k * slice_voxels);
      if (!st.ok()) {
        errors[t] = st;
        next = slices;  // stop the others early: the volume is unusable
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& th : pool) th.join();
  for (const Status& st : errors) {
    if (!st.ok()) return st;
  }
  return volume;
}

}  // namespace ctscreen::dicom
