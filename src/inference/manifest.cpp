// manifest.json: parsed strictly (unknown fields refused, every problem reported with its
// path), because a bundle arrives from outside and a silently ignored field would change what
// the models mean.
#include "ctscreen/inference/manifest.h"

#include <openssl/evp.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "ctscreen/inference/precision.h"

namespace ctscreen::inference {
namespace {

using nlohmann::json;

const char* const kStages[] = {"lung", "lesion", "classifier"};

// Collects problems as "path: what" so that one refusal lists all of them.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  void Fail(const std::string& path, const std::string& what) {
    problems_.push_back(path + ": " + what);
  }
  bool ok() const { return problems_.empty(); }
  core::Status ToStatus() const {
    std::string reason = source_ + ": ";
    for (std::size_t i = 0; i < problems_.size(); ++i) reason += (i ? "; " : "") + problems_[i];
    return core::Status(core::ErrorCode::kInvalidConfig, reason);
  }

  // Refuses keys of OBJECT outside ALLOWED; REQUIRED ones must be present.
  bool Object(const json& object, const std::string& path, const std::set<std::string>& allowed,
              const std::set<std::string>& required) {
    if (!object.is_object()) {
      Fail(path, "must be an object");
      return false;
    }
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (!allowed.count(it.key())) {
        std::string list;
        for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Fail(path + "." + it.key(), "unknown field; allowed: " + list);
      }
    }
    for (const std::string& key : required) {
      if (!object.contains(key)) Fail(path + "." + key, "missing");
    }
    return true;
  }

  void String(const json& o, const std::string& path, const std::string& key, std::string* out) {
    if (!o.contains(key)) return;
    if (!o[key].is_string()) return Fail(path + "." + key, "must be a string");
    *out = o[key].get<std::string>();
  }
  void Number(const json& o, const std::string& path, const std::string& key, double lo, double hi,
              double* out) {
    if (!o.contains(key)) return;
    if (!o[key].is_number()) return Fail(path + "." + key, "must be a number");
    double v = o[key].get<double>();
    if (!(v >= lo && v <= hi)) {
      std::ostringstream s;
      s << "is " << v << ", must be in [" << lo << ", " << hi << "]";
      return Fail(path + "." + key, s.str());
    }
    *out = v;
  }
  void Int(const json& o, const std::string& path, const std::string& key, int lo, int hi,
           int* out) {
    if (!o.contains(key)) return;
    if (!o[key].is_number_integer()) return Fail(path + "." + key, "must be an integer");
    auto v = o[key].get<long long>();
    if (v < lo || v > hi) {
      return Fail(path + "." + key, "is " + std::to_string(v) + ", must be in [" +
                                        std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    *out = static_cast<int>(v);
  }
  template <std::size_t N, typename T>
  void Array(const json& o, const std::string& path, const std::string& key, T lo, T hi,
             std::array<T, N>* out) {
    if (!o.contains(key)) return;
    const json& a = o[key];
    if (!a.is_array() || a.size() != N) {
      return Fail(path + "." + key, "must be an array of " + std::to_string(N) + " numbers");
    }
    for (std::size_t i = 0; i < N; ++i) {
      bool integral = std::is_integral_v<T>;
      if (!(integral ? a[i].is_number_integer() : a[i].is_number())) {
        return Fail(path + "." + key, integral ? "must hold integers" : "must hold numbers");
      }
      T v = a[i].get<T>();
      if (!(v >= lo && v <= hi)) {
        std::ostringstream s;
        s << "element " << i << " is " << v << ", must be in [" << lo << ", " << hi << "]";
        return Fail(path + "." + key, s.str());
      }
      (*out)[i] = v;
    }
  }
  void Strings(const json& o, const std::string& path, const std::string& key,
               std::vector<std::string>* out) {
    if (!o.contains(key)) return;
    const json& a = o[key];
    if (!a.is_array() || a.empty()) return Fail(path + "." + key, "must be a non-empty array");
    out->clear();
    for (const json& item : a) {
      if (!item.is_string()) return Fail(path + "." + key, "must hold strings");
      out->push_back(item.get<std::string>());
    }
  }

 private:
  std::string source_;
  std::vector<std::string> problems_;
};

void ReadParams(Reader& r, const json& o, const std::string& path, const std::string& arch,
                ModelParams* p) {
  std::set<std::string> allowed = {"in_channels", "base_width", "depth"};
  if (arch == "unet3d" || arch == "unetpp3d") allowed.insert({"max_width", "norm", "stem_norm"});
  if (arch == "unetpp3d") allowed.insert("deep_supervision");
  if (!r.Object(o, path, allowed, {})) return;
  r.Int(o, path, "in_channels", 1, 16, &p->in_channels);
  r.Int(o, path, "base_width", 1, 1024, &p->base_width);
  r.Int(o, path, "max_width", 1, 4096, &p->max_width);
  if (arch == "resnet3d") {
    p->depth = 50;
    r.Int(o, path, "depth", 14, 101, &p->depth);
    if (p->depth != 14 && p->depth != 26 && p->depth != 50 && p->depth != 101) {
      r.Fail(path + ".depth", "is " + std::to_string(p->depth) + "; allowed: 14, 26, 50, 101");
    }
  } else {
    r.Int(o, path, "depth", 2, 7, &p->depth);
  }
  r.String(o, path, "norm", &p->norm);
  if (p->norm != "instance" && p->norm != "batch") {
    r.Fail(path + ".norm", "is '" + p->norm + "'; allowed: instance, batch");
  }
  for (const auto& [key, value] :
       {std::pair<const char*, bool*>{"deep_supervision", &p->deep_supervision},
        {"stem_norm", &p->stem_norm}}) {
    if (!o.contains(key)) continue;
    if (!o[key].is_boolean()) {
      r.Fail(path + "." + key, "must be true or false");
    } else {
      *value = o[key].get<bool>();
    }
  }
}

void ReadStage(Reader& r, const json& o, const std::string& name, StageSpec* s) {
  const std::string path = "stages." + name;
  s->name = name;
  const bool segmentation = name != "classifier";
  std::set<std::string> allowed = {"format",     "architecture",  "params", "file",
                                   "sha256",     "input_spacing", "window", "patch_size",
                                   "batch_size", "output_classes"};
  std::set<std::string> required = {"format", "file",       "sha256",        "input_spacing",
                                    "window", "patch_size", "output_classes"};
  if (segmentation) {
    allowed.insert({"overlap", "foreground_threshold"});
  } else {
    allowed.insert("crop");
  }
  if (!r.Object(o, path, allowed, required)) return;

  std::string format = "native";
  r.String(o, path, "format", &format);
  if (format == "native") {
    s->format = ModelFormat::kNative;
  } else if (format == "torchscript") {
    s->format = ModelFormat::kTorchScript;
  } else {
    r.Fail(path + ".format", "is '" + format + "'; allowed: native, torchscript");
  }
  r.String(o, path, "architecture", &s->architecture);
  const std::string expected = name == "lung"     ? "unet3d"
                               : name == "lesion" ? "unetpp3d"
                                                  : "resnet3d";
  if (s->format == ModelFormat::kNative) {
    // The seed method's architectures; a torchscript model may be anything with the same I/O.
    if (s->architecture.empty()) {
      r.Fail(path + ".architecture", "missing (native format)");
    } else if (s->architecture != expected) {
      r.Fail(path + ".architecture",
             "is '" + s->architecture + "'; the " + name + " stage's native model is " + expected);
    }
  }
  s->params.in_channels = segmentation ? 1 : 2;
  if (o.contains("params")) {
    ReadParams(r, o["params"], path + ".params", s->architecture, &s->params);
  } else if (s->format == ModelFormat::kNative) {
    r.Fail(path + ".params", "missing (native format)");
  }
  // The inputs each count of channels means: the lesion stage may also take the lung stage's
  // mask (docs/inference.md).
  if (name == "lung" && s->params.in_channels != 1) {
    r.Fail(path + ".params.in_channels", "must be 1 (CT)");
  } else if (name == "lesion" && s->params.in_channels != 1 && s->params.in_channels != 2) {
    r.Fail(path + ".params.in_channels", "must be 1 (CT) or 2 (CT and the lung stage's mask)");
  } else if (!segmentation && s->params.in_channels != 2) {
    r.Fail(path + ".params.in_channels", "must be 2 (CT crop and lesion mask)");
  }
  r.String(o, path, "file", &s->file);
  if (s->file.empty() || s->file.find('/') != std::string::npos || s->file[0] == '.') {
    r.Fail(path + ".file", "must name a file inside the bundle folder");
  }
  r.String(o, path, "sha256", &s->sha256);
  if (s->sha256.size() != 64 ||
      s->sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
    r.Fail(path + ".sha256", "must be 64 lower-case hex digits");
  }
  r.Array<3, double>(o, path, "input_spacing", 0.01, 20.0, &s->input_spacing_xyz);
  r.Array<2, double>(o, path, "window", -4096.0, 8192.0, &s->window);
  if (s->window[0] >= s->window[1]) r.Fail(path + ".window", "low end must be below high end");
  r.Array<3, int>(o, path, "patch_size", 1, 1024, &s->patch_size_xyz);
  if (segmentation && s->format == ModelFormat::kNative) {
    int factor = 1 << (s->params.depth - 1);
    for (int a = 0; a < 3; ++a) {
      if (s->patch_size_xyz[a] % factor != 0) {
        r.Fail(path + ".patch_size", "each size must be divisible by " + std::to_string(factor) +
                                         " (2^(depth-1) for depth " +
                                         std::to_string(s->params.depth) + ")");
        break;
      }
    }
  }
  if (segmentation) {
    r.Number(o, path, "overlap", 0.0, 0.95, &s->overlap);
    r.Number(o, path, "foreground_threshold", 0.01, 0.99, &s->foreground_threshold);
  }
  if (!segmentation && o.contains("crop")) {
    std::string crop = "lesion_box";
    r.String(o, path, "crop", &crop);
    if (crop == "at_scale") {
      s->crop = CropRule::kAtScale;
    } else if (crop != "lesion_box") {
      r.Fail(path + ".crop", "is '" + crop + "'; allowed: lesion_box, at_scale");
    }
  }
  r.Int(o, path, "batch_size", 1, 1024, &s->batch_size);
  r.Strings(o, path, "output_classes", &s->output_classes);
  if (segmentation && (s->output_classes.empty() || s->output_classes[0] != "background")) {
    r.Fail(path + ".output_classes", "must start with \"background\"");
  }
  if (!segmentation) {
    int covid = 0;
    for (const std::string& c : s->output_classes) covid += c == "covid19_like";
    if (covid != 1 || s->output_classes.size() < 2) {
      r.Fail(path + ".output_classes", "must name \"covid19_like\" once among at least 2 classes");
    }
  }
}

json StageToJson(const StageSpec& s) {
  json params = {{"in_channels", s.params.in_channels},
                 {"base_width", s.params.base_width},
                 {"depth", s.params.depth}};
  if (s.architecture != "resnet3d") {
    params["max_width"] = s.params.max_width;
    params["norm"] = s.params.norm;
    // Written only when it differs, so bundles made before it existed read back unchanged.
    if (!s.params.stem_norm) params["stem_norm"] = false;
  }
  if (s.architecture == "unetpp3d") params["deep_supervision"] = s.params.deep_supervision;
  json j = {{"format", s.format == ModelFormat::kNative ? "native" : "torchscript"},
            {"architecture", s.architecture},
            {"params", params},
            {"file", s.file},
            {"sha256", s.sha256},
            {"input_spacing", s.input_spacing_xyz},
            {"window", s.window},
            {"patch_size", s.patch_size_xyz},
            {"batch_size", s.batch_size},
            {"output_classes", s.output_classes}};
  if (s.name != "classifier") j["overlap"] = s.overlap;
  // Written only when they differ, so bundles made before they existed read back unchanged.
  if (s.name != "classifier" && s.foreground_threshold != 0.5) {
    j["foreground_threshold"] = s.foreground_threshold;
  }
  if (s.crop == CropRule::kAtScale) j["crop"] = "at_scale";
  return j;
}

}  // namespace

core::Result<Manifest> ParseManifest(const std::string& json_text, const std::string& source) {
  json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return core::Status(core::ErrorCode::kInvalidConfig, source + ": not valid JSON");
  }
  Reader r(source);
  Manifest m;
  if (!r.Object(root, "manifest",
                {"name", "version", "description", "precision", "min_lesion_volume_ml",
                 "min_lung_volume_ml", "case", "stages"},
                {"name", "version", "case", "stages"})) {
    return r.ToStatus();
  }
  r.String(root, "manifest", "name", &m.name);
  r.String(root, "manifest", "version", &m.version);
  r.String(root, "manifest", "description", &m.description);
  r.Strings(root, "manifest", "precision", &m.precision);
  for (const std::string& p : m.precision) {
    core::Result<Precision> parsed = ParsePrecision(p);
    if (!parsed.ok()) r.Fail("manifest.precision", parsed.status().reason());
  }
  r.Number(root, "manifest", "min_lesion_volume_ml", 0.0, 1e4, &m.min_lesion_volume_ml);
  r.Number(root, "manifest", "min_lung_volume_ml", 0.0, 1e5, &m.min_lung_volume_ml);
  if (root.contains("case") &&
      r.Object(root["case"], "case", {"threshold", "combine"}, {"threshold", "combine"})) {
    r.Number(root["case"], "case", "threshold", 0.0, 1.0, &m.threshold);
    std::string combine = "max";
    r.String(root["case"], "case", "combine", &combine);
    core::Result<Combine> parsed = ParseCombine(combine);
    if (parsed.ok()) {
      m.combine = *parsed;
    } else {
      r.Fail("case.combine", parsed.status().reason());
    }
  }
  if (root.contains("stages") &&
      r.Object(root["stages"], "stages", {"lung", "lesion", "classifier"},
               {"lung", "lesion", "classifier"})) {
    StageSpec* specs[] = {&m.lung, &m.lesion, &m.classifier};
    for (int i = 0; i < 3; ++i) {
      if (root["stages"].contains(kStages[i])) {
        ReadStage(r, root["stages"][kStages[i]], kStages[i], specs[i]);
      }
    }
    // The pipeline resamples once, to the lesion stage's grid; the classifier's crops are cut
    // from that grid. Lungs are large: their stage may run coarser (the screener resamples for
    // it), never finer, which would invent detail.
    for (int a = 0; a < 3; ++a) {
      if (std::abs(m.classifier.input_spacing_xyz[a] - m.lesion.input_spacing_xyz[a]) > 1e-6) {
        r.Fail("stages.classifier.input_spacing", "must equal stages.lesion.input_spacing");
        break;
      }
    }
    for (int a = 0; a < 3; ++a) {
      if (m.lung.input_spacing_xyz[a] < m.lesion.input_spacing_xyz[a] - 1e-6) {
        r.Fail("stages.lung.input_spacing",
               "must not be finer than stages.lesion.input_spacing on any axis");
        break;
      }
    }
  }
  if (!r.ok()) return r.ToStatus();
  return m;
}

core::Result<Manifest> ReadManifest(const std::filesystem::path& bundle_dir) {
  std::filesystem::path file = bundle_dir / "manifest.json";
  std::ifstream in(file);
  if (!in) {
    return core::Status(core::ErrorCode::kNotFound, file.string() + ": cannot be read (is " +
                                                        bundle_dir.string() + " a model bundle?)");
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseManifest(text.str(), file.string());
}

std::string ManifestToJson(const Manifest& m) {
  json root = {{"name", m.name},
               {"version", m.version},
               {"description", m.description},
               {"precision", m.precision},
               {"min_lesion_volume_ml", m.min_lesion_volume_ml},
               {"min_lung_volume_ml", m.min_lung_volume_ml},
               {"case", {{"threshold", m.threshold}, {"combine", CombineName(m.combine)}}},
               {"stages",
                {{"lung", StageToJson(m.lung)},
                 {"lesion", StageToJson(m.lesion)},
                 {"classifier", StageToJson(m.classifier)}}}};
  return root.dump(2) + "\n";
}

core::Result<std::string> Sha256OfFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return core::Status(core::ErrorCode::kNotFound, file.string() + ": cannot be read");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return core::Status(core::ErrorCode::kIoError, file.string() + ": read failed");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

core::Status VerifyStageFile(const std::filesystem::path& bundle_dir, const StageSpec& stage) {
  core::Result<std::string> actual = Sha256OfFile(bundle_dir / stage.file);
  if (!actual.ok()) return actual.status();
  if (*actual != stage.sha256) {
    return core::Status(core::ErrorCode::kInvalidConfig, stage.file + ": sha256 is " + *actual +
                                                             ", manifest says " + stage.sha256 +
                                                             "; the bundle was altered or damaged");
  }
  return core::Status::Ok();
}

}  // namespace ctscreen::inference
