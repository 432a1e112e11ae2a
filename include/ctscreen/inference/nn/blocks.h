// Building blocks shared by the U-Nets. Includes torch: for the module's internals only.
#pragma once

#include <torch/torch.h>

namespace ctscreen::inference::nn {

enum class Norm { kInstance, kBatch };

// conv 3x3x3 -> norm -> LeakyReLU, twice (the nnU-Net block). The first conv maps IN to OUT.
// Without NORMALISE_FIRST the first conv has a bias and no normalisation follows it: the
// network's stem. An instance norm straight after a linear conv of the CT makes the network
// blind to any scale and shift of a patch's HU (IN(w * (a x + b)) = IN(w * x) away from the
// border), so it could not tell lung at -850 HU from ground glass at -500 HU by level, only
// by contrast with whatever else the patch holds; a bias and a LeakyReLU before the first
// norm let absolute HU through.
torch::nn::Sequential DoubleConv(int in, int out, Norm norm, bool normalise_first = true);

// Channels at LEVEL: BASE * 2^LEVEL, capped at MAX.
int LevelWidth(int base, int level, int max);

}  // namespace ctscreen::inference::nn
