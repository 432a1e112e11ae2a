#include "ctscreen/imaging/window.h"

#include <gtest/gtest.h>

#include "ctscreen/imaging/preprocess_spec.h"

namespace ctscreen::imaging {
namespace {

TEST(WindowTest, PaperWindowsAreTheDefault) {
  const PreprocessSpec spec = PaperPreprocessSpec();
  EXPECT_EQ(spec.spacing_mm, (std::array<double, 3>{1, 1, 2.5}));
  EXPECT_EQ(spec.lung_window.low, -150);
  EXPECT_EQ(spec.lung_window.high, 350);
  EXPECT_EQ(spec.lesion_window.low, -1024);
  EXPECT_EQ(spec.lesion_window.high, 350);
}

TEST(WindowTest, ExactAtTheEdgesAndClampedOutside) {
  const Window lung{-150, 350}, lesion{-1024, 350};
  EXPECT_EQ(ApplyWindow(-150.0f, lung), 0.0f);
  EXPECT_EQ(ApplyWindow(350.0f, lung), 1.0f);
  EXPECT_EQ(ApplyWindow(100.0f, lung), 0.5f);
  EXPECT_EQ(ApplyWindow(-151.0f, lung), 0.0f);
  EXPECT_EQ(ApplyWindow(-1024.0f, lung), 0.0f);
  EXPECT_EQ(ApplyWindow(351.0f, lung), 1.0f);
  EXPECT_EQ(ApplyWindow(3000.0f, lung), 1.0f);
  EXPECT_EQ(ApplyWindow(-1024.0f, lesion), 0.0f);
  EXPECT_EQ(ApplyWindow(350.0f, lesion), 1.0f);
  EXPECT_EQ(ApplyWindow(-337.0f, lesion), 0.5f);
  EXPECT_EQ(ApplyWindow(-2000.0f, lesion), 0.0f);
}

TEST(WindowTest, BufferVersionMatchesScalarAtEdges) {
  const Window lung{-150, 350}, lesion{-1024, 350};
  const float hu[] = {-3000, -1024, -1023, -150, -149, 100, 349, 350, 351, 2000};
  for (const Window& w : {lung, lesion}) {
    float out[10];
    ApplyWindow(hu, 10, w, out);
    for (int n = 0; n < 10; ++n) {
      EXPECT_NEAR(out[n], ApplyWindow(hu[n], w), 1e-6f) << hu[n];
      EXPECT_GE(out[n], 0.0f);
      EXPECT_LE(out[n], 1.0f);
    }
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_EQ(out[9], 1.0f);
  }
  // Exact at both edges of every window, also in the vectorised buffer loop.
  for (const Window& w : {lung, lesion, Window{-1350, 150}, Window{-600, 1000}}) {
    float edges[8];
    const float in[8] = {w.low, w.high, w.low, w.high, w.low, w.high, w.low, w.high};
    ApplyWindow(in, 8, w, edges);
    for (int n = 0; n < 8; n += 2) {
      EXPECT_EQ(edges[n], 0.0f) << w.low;
      EXPECT_EQ(edges[n + 1], 1.0f) << w.high;
    }
  }
}

}  // namespace
}  // namespace ctscreen::imaging
