// A set of phantom cases on disk: DIR/<case>/dicom/*.dcm, masks, truth.json, optional
// preview.png, and DIR/cases.json listing them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ctscreen/core/status.h"
#include "ctscreen/phantom/ct_writer.h"
#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::phantom {

using ClassMix = std::vector<std::pair<CaseClass, double>>;

// The default mix: covid 0.4 (a fifth of them small-opacity only), other_pneumonia 0.2,
// nodule 0.2, normal 0.2.
ClassMix DefaultMix();
// "covid=0.4,other_pneumonia=0.2,..."; fractions are normalised; unknown classes are errors.
core::Result<ClassMix> ParseMix(std::string_view text);
// Case classes of a set: counts by largest remainder, order shuffled by the seed.
std::vector<CaseClass> AssignClasses(std::uint64_t seed, int cases, const ClassMix& mix);

struct PhantomSetOptions {
  std::string out_dir;
  std::uint64_t seed = 0;
  int cases = 1;
  ClassMix mix = DefaultMix();
  SizeMode size = SizeMode::kFull;
  bool preview = false;
  std::optional<TransferSyntax> transfer_syntax;  // overrides each case's own
};

struct CaseFiles {
  std::string dir;
  std::string dicom_dir;
  std::string truth_json;
  std::string lungs_nrrd;
  std::string lesions_nrrd;
  std::string preview_png;  // empty without --preview
  WrittenSeries series;
};

// Writes one case into case_dir (created). truth.json is written last, so a case folder
// with a truth.json is complete.
core::Result<CaseFiles> WriteCase(const PhantomCase& c, const std::string& case_dir,
                                  TransferSyntax ts, bool preview);

// The truth.json text of a written case.
std::string TruthJson(const PhantomCase& c, const CaseFiles& files, TransferSyntax ts);

// progress(done, total) is called after each case.
core::Status GeneratePhantomSet(const PhantomSetOptions& options,
                                const std::function<void(int, int)>& progress);

}  // namespace ctscreen::phantom
