// make_ct_series: writes a simple CT series for benchmarks and manual tests.
//   make_ct_series --out DIR [--slices N] [--rows R] [--columns C] [--ts explicit|implicit|
//                  jpeg-lossless|jpeg-ls|rle|j2k] [--seed S]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ct_series_writer.h"

int main(int argc, char** argv) {
  ctscreen::testing::CtSeriesSpec spec;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--out")
      out = value;
    else if (key == "--slices")
      spec.slices = std::atoi(value.c_str());
    else if (key == "--rows")
      spec.rows = std::atoi(value.c_str());
    else if (key == "--columns")
      spec.columns = std::atoi(value.c_str());
    else if (key == "--ts")
      spec.transfer_syntax = value;
    else if (key == "--seed")
      spec.seed = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "make_ct_series: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  if (out.empty()) {
    std::fprintf(stderr,
                 "usage: make_ct_series --out DIR [--slices N] [--rows R] [--columns C] "
                 "[--ts SYNTAX] [--seed S]\n");
    return 2;
  }
  auto paths = ctscreen::testing::WriteCtSeries(spec, out);
  std::printf("wrote %zu slices of %dx%d to %s\n", paths.size(), spec.columns, spec.rows,
              out.c_str());
  return 0;
}
