// Building blocks shared by the U-Nets. Includes torch: for the module's internals only.
#pragma once

#include <torch/torch.h>

namespace ctscreen::inference::nn {

enum class Norm { kInstance, kBatch };

// conv 3x3x3 -> norm -> LeakyReLU, twice (the nnU-Net block). The first conv maps IN to OUT.
torch::nn::Sequential DoubleConv(int in, int out, Norm norm);

// Channels at LEVEL: BASE * 2^LEVEL, capped at MAX.
int LevelWidth(int base, int level, int max);

}  // namespace ctscreen::inference::nn
