// `ctscreen train`: a thin command over training::TrainStage.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "commands.h"
#include "ctscreen/training/train.h"

namespace ctscreen::app {
namespace {

constexpr const char* kUsage =
    "usage: ctscreen train --data DIR --stage lung|lesion|classifier --out BUNDLE_DIR\n"
    "                      [--epochs N] [--steps N] [--batch N] [--lr X] [--seed N]\n"
    "                      [--max-cases N] [--resume] [--init-from BUNDLE] [--quiet]\n"
    "                      [--hard-negatives SHARE] [--lung-lesion-share SHARE]\n"
    "\n"
    "Trains one stage of a model bundle on phantom cases (DIR/<case>/ from `ctscreen phantom`):\n"
    "the CT is resampled to the bundle's spacing as analyze does it, the truth masks with it.\n"
    "Adam (lr 1e-4, weight decay 5e-4 as the seed method), left-right flips, shifts and zoom,\n"
    "a fixed seed. A checkpoint is written after every epoch to BUNDLE_DIR/checkpoints/;\n"
    "--resume continues from it. At the end BUNDLE_DIR/<stage>.pt is written and its sha256\n"
    "entered into BUNDLE_DIR/manifest.json (created with the small demo layout if absent).\n"
    "  --epochs N   default 10        --steps N  steps per epoch, default 40\n"
    "  --batch N    segmentation patches per step, default 2\n"
    "  --init-from BUNDLE  start from that bundle's weights of the stage (fine-tuning)\n"
    "  --hard-negatives SHARE  classifier: this share (0-1) of the negative crops drawn from the\n"
    "               quarter of negatives it scores most COVID-19-like, rescored every epoch\n"
    "  --lung-lesion-share SHARE  lung: this share (0-1) of the patches centred on a truth\n"
    "               lesion (consolidations and nodules are lung in the truth); default 0\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ctscreen train: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

bool ParseInt(const std::string& text, int* out) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1 || v > 1000000) return false;
  *out = static_cast<int>(v);
  return true;
}

// A share of the draws: a number in [0, 1].
bool ParseShare(const std::string& text, double* out) {
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && *out >= 0 && *out <= 1;
}

}  // namespace

int RunTrain(int argc, char** argv) {
  training::TrainOptions o;
  for (int n = 1; n < argc; ++n) {
    const std::string arg = argv[n];
    std::string v;
    auto value = [&]() {
      if (n + 1 >= argc || argv[n + 1][0] == '\0') return false;
      v = argv[++n];
      return true;
    };
    int number = 0;
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--data") {
      if (!value()) return UsageError("--data needs a folder");
      o.data_dir = v;
    } else if (arg == "--out") {
      if (!value()) return UsageError("--out needs a folder");
      o.out_dir = v;
    } else if (arg == "--stage") {
      if (!value()) return UsageError("--stage needs lung, lesion or classifier");
      o.stage = v;
    } else if (arg == "--epochs" || arg == "--steps" || arg == "--batch" || arg == "--seed" ||
               arg == "--max-cases") {
      if (!value() || !ParseInt(v, &number)) return UsageError(arg + " needs a positive integer");
      if (arg == "--epochs") o.epochs = number;
      if (arg == "--steps") o.steps_per_epoch = number;
      if (arg == "--batch") o.batch_size = number;
      if (arg == "--seed") o.seed = static_cast<std::uint64_t>(number);
      if (arg == "--max-cases") o.max_cases = number;
    } else if (arg == "--lr") {
      char* end = nullptr;
      if (!value()) return UsageError("--lr needs a number");
      o.lr = std::strtod(v.c_str(), &end);
      if (*end != '\0' || !(o.lr > 0 && o.lr < 1)) return UsageError("--lr must be in (0, 1)");
    } else if (arg == "--hard-negatives" || arg == "--lung-lesion-share") {
      double share = 0;
      if (!value() || !ParseShare(v, &share)) return UsageError(arg + " needs a share in [0, 1]");
      (arg == "--hard-negatives" ? o.hard_negative_share : o.lung_lesion_share) = share;
    } else if (arg == "--resume") {
      o.resume = true;
    } else if (arg == "--init-from") {
      if (!value()) return UsageError("--init-from needs a bundle folder");
      o.init_from = v;
    } else if (arg == "--quiet") {
      o.progress = false;
    } else {
      return UsageError("unknown argument " + arg);
    }
  }
  if (o.data_dir.empty()) return UsageError("--data is required");
  if (o.out_dir.empty()) return UsageError("--out is required");
  if (o.stage != "lung" && o.stage != "lesion" && o.stage != "classifier") {
    return UsageError("--stage must be lung, lesion or classifier");
  }
  // Options of one stage given to another would be ignored without a word: refused instead.
  if (o.hard_negative_share > 0 && o.stage != "classifier") {
    return UsageError("--hard-negatives is for --stage classifier");
  }
  if (o.lung_lesion_share > 0 && o.stage != "lung") {
    return UsageError("--lung-lesion-share is for --stage lung");
  }
  auto report = training::TrainStage(o);
  if (!report.ok()) {
    std::fprintf(stderr, "ctscreen train: %s\n", report.status().ToString().c_str());
    return 1;
  }
  std::printf("trained %s on %d case(s) (%d sample(s)) in %.0f s; final loss %.4f; wrote %s\n",
              o.stage.c_str(), report->cases, report->samples, report->seconds,
              report->epoch_loss.empty() ? 0.0 : report->epoch_loss.back(), o.out_dir.c_str());
  return 0;
}

}  // namespace ctscreen::app
