#include "phantom_command.h"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ctscreen/phantom/phantom_set.h"

namespace ctscreen::app {
namespace {

constexpr const char* kUsage =
    "usage: ctscreen phantom --out DIR --seed N [--cases K]\n"
    "                        [--mix covid=0.4,other_pneumonia=0.2,nodule=0.2,normal=0.2]\n"
    "                        [--size small|full] [--preview] [--transfer-syntax NAME]\n"
    "\n"
    "Writes K synthetic chest CT studies with ground truth: DIR/<case>/dicom/*.dcm,\n"
    "DIR/<case>/truth.json, lungs.nrrd, lesions.nrrd (and preview.png), and DIR/cases.json.\n"
    "The same seed always gives the same cases.\n"
    "  --cases K            number of cases (default 1)\n"
    "  --mix LIST           class fractions; classes: covid, covid_small, other_pneumonia,\n"
    "                       nodule, normal (default covid 0.32, covid_small 0.08,\n"
    "                       other_pneumonia 0.2, nodule 0.2, normal 0.2)\n"
    "  --size small|full    256x256 thicker slices, or 512x512 (default full)\n"
    "  --preview            also write a PNG mosaic of lung-window slices with the truth\n"
    "  --transfer-syntax    force one of explicit_le, implicit_le, jpeg_lossless, jpeg_ls,\n"
    "                       rle, jpeg2000 (default: drawn per case)\n";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ctscreen phantom: %s\n\n%s", message.c_str(), kUsage);
  return 2;
}

bool ParseCount(const std::string& text, std::uint64_t max, std::uint64_t* out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno != 0 || v > max) return false;
  *out = v;
  return true;
}

// "[#####.....]  7/20 case_0006  12 s" on one line of stderr, redrawn in place.
void DrawProgress(int done, int total, std::chrono::steady_clock::time_point start) {
  const int width = 30;
  int filled = total > 0 ? done * width / total : width;
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\r[%s] %d/%d cases  %.1f s", bar.c_str(), done, total, seconds);
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace

int RunPhantomCommand(int argc, char** argv) {
  phantom::PhantomSetOptions options;
  bool have_out = false, have_seed = false;
  for (int n = 1; n < argc; ++n) {
    std::string arg = argv[n];
    auto value = [&](std::string* out) {
      if (n + 1 >= argc) return false;
      *out = argv[++n];
      return true;
    };
    std::string v;
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--preview") {
      options.preview = true;
    } else if (arg == "--out") {
      if (!value(&v) || v.empty()) return UsageError("--out needs a folder");
      options.out_dir = v;
      have_out = true;
    } else if (arg == "--seed") {
      if (!value(&v) || !ParseCount(v, UINT64_MAX, &options.seed)) {
        return UsageError("--seed needs a whole number >= 0");
      }
      have_seed = true;
    } else if (arg == "--cases") {
      std::uint64_t cases = 0;
      if (!value(&v) || !ParseCount(v, 9999, &cases) || cases == 0) {
        return UsageError("--cases needs a whole number from 1 to 9999");
      }
      options.cases = static_cast<int>(cases);
    } else if (arg == "--mix") {
      if (!value(&v)) return UsageError("--mix needs CLASS=FRACTION,...");
      auto mix = phantom::ParseMix(v);
      if (!mix.ok()) return UsageError(mix.status().reason());
      options.mix = mix.value();
    } else if (arg == "--size") {
      if (!value(&v) || (v != "small" && v != "full")) {
        return UsageError("--size must be small or full");
      }
      options.size = v == "small" ? phantom::SizeMode::kSmall : phantom::SizeMode::kFull;
    } else if (arg == "--transfer-syntax") {
      if (!value(&v)) return UsageError("--transfer-syntax needs a name");
      auto ts = phantom::ParseTransferSyntax(v);
      if (!ts) return UsageError("unknown transfer syntax '" + v + "'");
      options.transfer_syntax = *ts;
    } else {
      return UsageError("unknown option '" + arg + "'");
    }
  }
  if (!have_out) return UsageError("--out DIR is required");
  if (!have_seed) return UsageError("--seed N is required");

  const auto start = std::chrono::steady_clock::now();
  core::Status status = phantom::GeneratePhantomSet(
      options, [&](int done, int total) { DrawProgress(done, total, start); });
  if (!status.ok()) {
    std::fprintf(stderr, "\nctscreen phantom: %s\n", status.reason().c_str());
    return 1;
  }
  std::fprintf(stderr, "wrote %d case%s to %s (cases.json lists them)\n", options.cases,
               options.cases == 1 ? "" : "s", options.out_dir.c_str());
  return 0;
}

}  // namespace ctscreen::app
