// Builds one case from (seed, index): anatomy, vessels, lesions, noise, then truth measured
// on the voxels. Deterministic: each stage draws from its own stream of the case's seed.
#pragma once

#include <cstdint>

#include "ctscreen/phantom/phantom_case.h"

namespace ctscreen::phantom {

// The grid and acquisition GenerateCase will use, without drawing any voxel (cheap).
CaseSpec PlanCase(std::uint64_t seed, int index, CaseClass case_class, SizeMode size);

PhantomCase GenerateCase(std::uint64_t seed, int index, CaseClass case_class, SizeMode size);

// "case_0007".
std::string CaseName(int index);

}  // namespace ctscreen::phantom
