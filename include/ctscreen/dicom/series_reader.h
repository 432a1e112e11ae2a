// Spooled files of one series to a CtVolume: slices ordered by position along the slice normal
// (never by InstanceNumber or file name), spacing from positions, geometry checked, HU per slice.
#pragma once

#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/dicom/slice_header.h"
#include "ctscreen/imaging/ct_volume.h"
#include "ctscreen/imaging/stack_geometry.h"

namespace ctscreen::dicom {

struct SeriesReadOptions {
  imaging::StackLimits limits;
  int threads = 0;  // decoding threads; 0: one per core
};

class SeriesReader {
 public:
  explicit SeriesReader(SeriesReadOptions options) : options_(std::move(options)) {}

  // Files of one series (any order).
  core::Result<imaging::CtVolume> Read(const std::vector<std::string>& files) const;
  // Headers already read (the pipeline reads them to choose the series).
  core::Result<imaging::CtVolume> Read(const std::vector<SliceHeader>& headers) const;

 private:
  SeriesReadOptions options_;
};

}  // namespace ctscreen::dicom
