#include "ctscreen/phantom/case_generator.h"

#include <cmath>
#include <cstdio>

#include "ctscreen/phantom/anatomy.h"
#include "ctscreen/phantom/lesions.h"
#include "ctscreen/phantom/noise.h"
#include "ctscreen/phantom/vessels.h"

namespace ctscreen::phantom {
namespace {

// Stream numbers of the stages (1 is the acquisition, see DrawCaseSpec).
constexpr std::uint64_t kAnatomyStream = 0;
constexpr std::uint64_t kVesselStream = 2;
constexpr std::uint64_t kLesionStream = 3;
constexpr std::uint64_t kNoiseStream = 4;

void MeasureTruth(const std::vector<LesionPlan>& plans, PhantomCase* c) {
  const Geometry& g = c->hu.geometry;
  const double voxel_ml = g.VoxelVolumeMm3() / 1000.0;
  std::vector<std::size_t> count(plans.size() + 1, 0);
  std::vector<Vec3> sum(plans.size() + 1, Vec3{0, 0, 0});
  std::size_t lung_count[2] = {0, 0};
  for (int k = 0; k < g.size[2]; ++k) {
    for (int j = 0; j < g.size[1]; ++j) {
      std::size_t row = g.Offset(0, j, k);
      for (int i = 0; i < g.size[0]; ++i) {
        std::uint8_t lung = c->lungs.voxels[row + i];
        if (lung) ++lung_count[lung == kLeftLungLabel ? 0 : 1];
        std::uint8_t id = c->lesions.voxels[row + i];
        if (id == 0 || id > plans.size()) continue;
        ++count[id];
        // Index sums; converted to LPS once, as the mapping is affine.
        sum[id][0] += i;
        sum[id][1] += j;
        sum[id][2] += k;
      }
    }
  }
  for (int s = 0; s < 2; ++s) c->lung_volume_ml[s] = lung_count[s] * voxel_ml;
  for (const LesionPlan& plan : plans) {
    std::size_t n = count[plan.id];
    if (n == 0) continue;
    LesionTruth t;
    t.id = plan.id;
    t.kind = plan.kind;
    t.covid_like = plan.covid_like;
    t.lung = plan.side == 0 ? "left" : "right";
    t.voxels = n;
    t.volume_ml = n * voxel_ml;
    t.centroid_mm = g.IndexToWorld(sum[plan.id][0] / n, sum[plan.id][1] / n, sum[plan.id][2] / n);
    t.diameter_mm = std::cbrt(6.0 * t.volume_ml * 1000.0 / 3.14159265358979323846);
    t.nominal_diameter_mm = plan.nominal_diameter_mm;
    c->lesion_truth.push_back(t);
  }
}

}  // namespace

std::string CaseName(int index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "case_%04d", index);
  return buf;
}

CaseSpec PlanCase(std::uint64_t seed, int index, CaseClass case_class, SizeMode size) {
  Rng anatomy_rng(MixSeed(seed, static_cast<std::uint64_t>(index), kAnatomyStream));
  AnatomyParams anatomy = DrawAnatomy(anatomy_rng);
  ScanRange range = ScanRangeFor(anatomy, anatomy_rng);
  return DrawCaseSpec(seed, index, case_class, size, range);
}

PhantomCase GenerateCase(std::uint64_t seed, int index, CaseClass case_class, SizeMode size) {
  const auto stream = [&](std::uint64_t s) {
    return MixSeed(seed, static_cast<std::uint64_t>(index), s);
  };
  Rng anatomy_rng(stream(kAnatomyStream));
  AnatomyParams anatomy = DrawAnatomy(anatomy_rng);
  ScanRange range = ScanRangeFor(anatomy, anatomy_rng);

  PhantomCase c;
  c.spec = DrawCaseSpec(seed, index, case_class, size, range);
  c.name = CaseName(index);
  const Geometry& g = c.spec.geometry;
  c.hu = HuVolume(g);
  c.tissue = LabelVolume(g);
  c.lesions = LabelVolume(g);
  PatientGrid grid = MakePatientGrid(g, c.spec.patient_offset);
  RenderAnatomy(anatomy, grid, g, c.hu.voxels.data(), c.tissue.voxels.data());

  Rng vessel_rng(stream(kVesselStream));
  TissueLookup lookup(g, c.spec.patient_offset, c.tissue.voxels.data());
  std::vector<Branch> branches = GrowAirwaysAndVessels(anatomy, lookup, vessel_rng);
  DrawBranches(branches, grid, g, c.spec.patient_offset, anatomy.blood_hu, c.hu.voxels.data(),
               c.tissue.voxels.data());

  Rng lesion_rng(stream(kLesionStream));
  std::vector<LesionPlan> plans =
      DrawLesions(case_class, anatomy, grid, g, lesion_rng, c.hu.voxels.data(),
                  c.tissue.voxels.data(), c.lesions.voxels.data());

  Rng noise_rng(stream(kNoiseStream));
  ApplyNoiseAndFieldOfView(c.spec.acquisition, g, noise_rng, c.hu.voxels.data(),
                           c.tissue.voxels.data());

  c.lungs = LabelVolume(g);
  for (std::size_t n = 0; n < g.VoxelCount(); ++n) {
    std::uint8_t t = c.tissue.voxels[n] & kTissueMask;
    if (t == kLungLeft)
      c.lungs.voxels[n] = kLeftLungLabel;
    else if (t == kLungRight)
      c.lungs.voxels[n] = kRightLungLabel;
    // A lesion never lies outside the lungs (the field of view may have cut both).
    if (!c.lungs.voxels[n]) c.lesions.voxels[n] = 0;
  }
  MeasureTruth(plans, &c);
  return c;
}

}  // namespace ctscreen::phantom
