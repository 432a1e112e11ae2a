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

// Which of the bundle's stages a Screener reads, checks and runs. Training needs less than
// analysis: the classifier learns from what the lungs and lesions stages find before a
// classifier exists (kSegmentation: every lesion's probability stays 0, so the case is never
// covid19_likely), and a lesion model that takes the lung mask as its second channel learns
// from the lung stage's own masks before a lesion model exists (kLungs: Run stops after the
// lungs, with no lesions).
enum class ScreenerStages { kAll, kSegmentation, kLungs };

struct ScreenerOptions {
  std::string device = "cpu";
  std::string precision = "auto";  // pipeline.precision
  ScreenerStages stages = ScreenerStages::kAll;
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
