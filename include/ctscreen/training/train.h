// `ctscreen train`: trains one stage (lung, lesion or classifier) of a model bundle on phantom
// cases, with the native model library of the inference module. Torch-free on purpose: the app
// links it without seeing tensors.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/inference/manifest.h"

namespace ctscreen::training {

struct TrainOptions {
  std::string data_dir;  // phantom cases: DIR/<case>/{dicom, lungs.nrrd, lesions.nrrd, truth.json}
  std::string out_dir;   // the bundle: manifest.json, <stage>.pt, checkpoints/
  std::string stage;     // lung | lesion | classifier
  int epochs = 10;
  int steps_per_epoch = 40;
  int batch_size = 2;  // segmentation patches; the classifier takes 8 crops a step
  double lr = 1e-4;    // Adam, as the seed method
  double weight_decay = 5e-4;
  bool resume = false;  // continue from out_dir/checkpoints/<stage>.* when they exist
  // Start from this bundle's weights of the same stage (sha256 checked, same architecture)
  // instead of random ones: fine-tuning a shipped bundle. Empty: from scratch.
  std::string init_from;
  std::uint64_t seed = 1;
  // Classifier: the share of negative draws taken from the hardest quarter of the negatives,
  // rescored once an epoch (online hard example mining). 0: every negative alike.
  double hard_negative_share = 0;
  // Lung stage: the share of patches centred on a truth lesion (a lesion drawn first). The
  // truth counts consolidations, nodules and pleural opacities as lung; a lung model that
  // leaves them out hides them from the lesion stage. 0: half anywhere, half on the lungs.
  double lung_lesion_share = 0;
  int max_cases = 0;     // 0: all cases found
  bool progress = true;  // progress bar with the running loss on stderr
  // The bundle's layout when out_dir has no manifest.json yet (default: DemoManifest()).
  std::optional<inference::Manifest> manifest;
};

struct TrainReport {
  std::vector<double> epoch_loss;  // mean training loss of each epoch run (not resumed ones)
  int cases = 0;
  int samples = 0;  // classifier: lesions; segmentation: cases
  // Classifier: the cases the bundle's lung and lesion stages were run on to mine their
  // findings; the others' came from the checkpoints' cache (same segmentation, same case).
  int cases_mined = 0;
  // Classifier with hard_negative_share > 0: the highest COVID-19 probability among the
  // negatives at each rescoring (once an epoch), the number the case verdict turns on.
  std::vector<double> hardest_negative;
  double seconds = 0;
  // --init-from into other parameters: the tensors that did not fit and started fresh.
  std::vector<std::string> fresh_tensors;
};

// Trains options.stage, writes out_dir/<stage>.pt and out_dir/manifest.json with its sha256
// (other stages keep theirs; a stage never trained has an all-zero sha256 the Screener refuses).
core::Result<TrainReport> TrainStage(const TrainOptions& options);

// The small CPU bundle the project ships: U-Net and U-Net++ of base width 8 and 3 levels,
// a ResNet-14 of base width 8 on 32^3 crops, at 2 x 2 x 2.5 mm (coarser than the seed
// method's 1 x 1 x 2.5 mm, so that training and analysis fit two CPU cores), every stage in
// the window [-1024, 350] HU (models/default/README.md says why not the paper's lung window).
inference::Manifest DemoManifest();

}  // namespace ctscreen::training
