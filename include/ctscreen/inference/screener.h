// The inference half of a screening: lungs, then lesions inside them, then a COVID-19-like
// probability per lesion and a verdict for the case. One Screener holds one bundle's models on
// one device; Run is not reentrant (the device scheduler runs one job per device).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/manifest.h"
#include "ctscreen/inference/screening.h"
#include "ctscreen/inference/volume.h"

namespace ctscreen::inference {

struct ScreenerOptions {
  std::string device = "cpu";
  std::string precision = "auto";  // pipeline.precision
  // Lungs and lesions only: the classifier stage is neither read nor checked, and Run leaves
  // every lesion's probability at 0 (so the case is never covid19_likely). For training, which
  // looks at what the lesion model finds before a classifier exists.
  bool segmentation_only = false;
  // Also return the lesion model's probability map (Screening::lesion_probability): what it
  // made of each voxel before any rule, to see why an opacity was missed or found.
  bool keep_lesion_probability = false;
};

class Screener {
 public:
  // Reads and validates the manifest, checks every file's sha256, loads the models onto the
  // device. Refuses with the reason (tampered file, weights not matching the architecture,
  // device absent, precision not allowed).
  static core::Result<std::unique_ptr<Screener>> Create(const std::filesystem::path& bundle_dir,
                                                        const ScreenerOptions& options);
  ~Screener();

  // CT is in HU on the manifest's input spacing (the imaging module resamples).
  core::Result<Screening> Run(const Volume& ct);

  const Manifest& manifest() const;

 private:
  struct Impl;
  explicit Screener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctscreen::inference
