#include <gtest/gtest.h>

#include "ctscreen/inference/nn/resnet3d.h"
#include "ctscreen/inference/nn/unet3d.h"
#include "ctscreen/inference/nn/unetpp3d.h"

namespace ctscreen::inference::nn {
namespace {

std::int64_t Parameters(const torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

TEST(ModelsTest, UNet3dShape) {
  torch::NoGradGuard no_grad;
  UNet3d net(UNet3dOptions{1, 3, 4, 3, 320, Norm::kInstance});
  torch::Tensor out = net->forward(torch::rand({2, 1, 8, 16, 12}));
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{2, 3, 8, 16, 12}));
}

TEST(ModelsTest, UNetPlusPlus3dDeepSupervisionHeads) {
  torch::NoGradGuard no_grad;
  UNetPlusPlus3d net(UNetPlusPlus3dOptions{1, 2, 4, 4, 320, Norm::kBatch, true});
  net->eval();
  torch::Tensor x = torch::rand({1, 1, 8, 16, 16});
  std::vector<torch::Tensor> heads = net->ForwardHeads(x);
  ASSERT_EQ(heads.size(), 3u);  // X^{0,1}, X^{0,2}, X^{0,3}
  for (const torch::Tensor& h : heads) {
    EXPECT_EQ(h.sizes(), (std::vector<std::int64_t>{1, 2, 8, 16, 16}));
  }
  // Inference averages the heads (the paper's accurate mode).
  EXPECT_TRUE(torch::allclose(net->forward(x), (heads[0] + heads[1] + heads[2]) / 3, 1e-5, 1e-6));
}

TEST(ModelsTest, UNetPlusPlus3dWithoutDeepSupervisionHasOneHead) {
  torch::NoGradGuard no_grad;
  UNetPlusPlus3d net(UNetPlusPlus3dOptions{1, 2, 4, 3, 320, Norm::kInstance, false});
  std::vector<torch::Tensor> heads = net->ForwardHeads(torch::rand({1, 1, 4, 8, 8}));
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].sizes(), (std::vector<std::int64_t>{1, 2, 4, 8, 8}));
}

TEST(ModelsTest, ResNet3dShapeAndResNet50Layout) {
  torch::NoGradGuard no_grad;
  ResNet3d small(ResNet3dOptions{2, 2, 4, ResNetBlocksForDepth(14)});
  small->eval();
  torch::Tensor out = small->forward(torch::rand({3, 2, 16, 32, 32}));
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{3, 2}));
  // The full-size ResNet-50 is built, not run: 3+4+6+3 bottlenecks, 2048 features into fc.
  ResNet3d full(ResNet3dOptions{2, 2, 64, ResNetBlocksForDepth(50)});
  std::int64_t bottlenecks = 0;
  for (const auto& child : full->named_modules()) {
    bottlenecks += child.value()->as<Bottleneck3dImpl>() != nullptr;
  }
  EXPECT_EQ(bottlenecks, 16);
  EXPECT_EQ(full->named_parameters()["fc.weight"].sizes(), (std::vector<std::int64_t>{2, 2048}));
  EXPECT_GT(Parameters(*full), 40'000'000);  // 3D kernels: ~46M against 2D ResNet-50's 25M
}

TEST(ModelsTest, WidthAndDepthScaleTheUNetPlusPlus) {
  UNetPlusPlus3d small(UNetPlusPlus3dOptions{1, 2, 4, 3, 320, Norm::kInstance, true});
  UNetPlusPlus3d full(UNetPlusPlus3dOptions{1, 2, 32, 4, 320, Norm::kInstance, true});
  EXPECT_LT(Parameters(*small) * 100, Parameters(*full));
}

// Why the lesion stage's stem is unnormalised: with an instance norm straight after the first
// (bias-free, linear) conv, a patch at twice the contrast gives the same output, so the network
// cannot tell ground glass from lung by its level, only relative to the rest of the patch.
TEST(ModelsTest, AnUnnormalisedStemSeesTheLevelOfTheInput) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(3);
  const torch::Tensor x = torch::rand({1, 1, 8, 16, 16});
  // How much the output moves, relative to its size, when the input's contrast is tripled.
  auto change = [&](auto& net) {
    torch::Tensor a = net->forward(x), b = net->forward(3 * x);
    return (a - b).abs().max().item<double>() / a.abs().max().item<double>();
  };
  UNetPlusPlus3d normed(UNetPlusPlus3dOptions{1, 2, 4, 3, 320, Norm::kInstance, true, true});
  UNetPlusPlus3d plain(UNetPlusPlus3dOptions{1, 2, 4, 3, 320, Norm::kInstance, true, false});
  UNet3d plain_unet(UNet3dOptions{1, 2, 4, 3, 320, Norm::kInstance, false});
  EXPECT_LT(change(normed), 1e-3) << "normalised stem";
  EXPECT_GT(change(plain), 0.05) << "unnormalised stem";
  EXPECT_GT(change(plain_unet), 0.05) << "unnormalised U-Net stem";
}

TEST(ModelsTest, AnUnnormalisedStemKeepsTheWeightsNames) {
  UNetPlusPlus3d normed(UNetPlusPlus3dOptions{1, 2, 4, 3, 320, Norm::kInstance, true, true});
  UNetPlusPlus3d plain(UNetPlusPlus3dOptions{1, 2, 4, 3, 320, Norm::kInstance, true, false});
  auto a = normed->named_parameters(), b = plain->named_parameters();
  // The stem's conv gains a bias and loses the norm's scale and shift; every other tensor
  // keeps its name, so a fine-tuning run can start from a normalised stem's weights.
  EXPECT_TRUE(b.contains("x0_0.0.bias"));
  EXPECT_FALSE(b.contains("x0_0.1.weight"));
  EXPECT_TRUE(a.contains("x0_0.1.weight"));
  EXPECT_EQ(a.size() - 2, b.size() - 1);
  for (const auto& p : b) {
    if (p.key() == "x0_0.0.bias") continue;
    ASSERT_TRUE(a.contains(p.key())) << p.key();
    EXPECT_EQ(a[p.key()].sizes(), p.value().sizes()) << p.key();
  }
}

}  // namespace
}  // namespace ctscreen::inference::nn
