#include "ctscreen/inference/components.h"

#include <algorithm>
#include <numeric>

namespace ctscreen::inference {
namespace {

// Union-find over provisional labels; two passes keep it O(voxels) without recursion, which a
// pair of lungs (millions of voxels) would overflow.
struct DisjointSets {
  std::vector<std::uint32_t> parent;
  std::uint32_t Add() {
    parent.push_back(static_cast<std::uint32_t>(parent.size()));
    return parent.back();
  }
  std::uint32_t Find(std::uint32_t a) {
    while (parent[a] != a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  }
  void Unite(std::uint32_t a, std::uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

LabelMap LabelComponents(const Mask& mask, std::int64_t min_voxels,
                         std::vector<Component>* components) {
  const int nx = mask.size_xyz[0], ny = mask.size_xyz[1], nz = mask.size_xyz[2];
  std::vector<std::uint32_t> provisional(mask.NumVoxels(), 0);
  DisjointSets sets;
  sets.Add();  // 0: background
  for (int z = 0; z < nz; ++z) {
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        std::size_t i = mask.Index(x, y, z);
        if (!mask.voxels[i]) continue;
        std::uint32_t left = x > 0 ? provisional[i - 1] : 0;
        std::uint32_t up = y > 0 ? provisional[i - nx] : 0;
        std::uint32_t below = z > 0 ? provisional[i - static_cast<std::size_t>(nx) * ny] : 0;
        std::uint32_t label = std::max({left, up, below});
        if (label == 0) {
          label = sets.Add();
        } else {
          for (std::uint32_t other : {left, up, below}) {
            if (other) sets.Unite(label, other);
          }
        }
        provisional[i] = label;
      }
    }
  }

  // Statistics per root.
  std::vector<Component> stats(sets.parent.size());
  std::vector<std::array<double, 3>> sums(sets.parent.size(), {0, 0, 0});
  for (int z = 0; z < nz; ++z) {
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        std::size_t i = mask.Index(x, y, z);
        if (!provisional[i]) continue;
        std::uint32_t root = sets.Find(provisional[i]);
        provisional[i] = root;
        Component& c = stats[root];
        if (c.voxels == 0) {
          c.min_xyz = {x, y, z};
          c.max_xyz = {x, y, z};
        }
        ++c.voxels;
        sums[root][0] += x;
        sums[root][1] += y;
        sums[root][2] += z;
        c.min_xyz = {std::min(c.min_xyz[0], x), std::min(c.min_xyz[1], y),
                     std::min(c.min_xyz[2], z)};
        c.max_xyz = {std::max(c.max_xyz[0], x), std::max(c.max_xyz[1], y),
                     std::max(c.max_xyz[2], z)};
      }
    }
  }

  std::vector<std::uint32_t> kept;
  for (std::uint32_t root = 1; root < stats.size(); ++root) {
    if (stats[root].voxels > 0 && stats[root].voxels >= std::max<std::int64_t>(min_voxels, 1)) {
      kept.push_back(root);
    }
  }
  // Largest first; ties by position so the labels are deterministic.
  std::stable_sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
    return stats[a].voxels > stats[b].voxels;
  });
  std::vector<std::uint16_t> final_label(stats.size(), 0);
  if (components) components->clear();
  for (std::size_t k = 0; k < kept.size() && k < 65535; ++k) {
    std::uint32_t root = kept[k];
    final_label[root] = static_cast<std::uint16_t>(k + 1);
    if (components) {
      Component c = stats[root];
      c.label = static_cast<int>(k + 1);
      for (int a = 0; a < 3; ++a) c.centroid_xyz[a] = sums[root][a] / c.voxels;
      components->push_back(c);
    }
  }

  LabelMap labels = LikeGrid<std::uint16_t>(mask);
  for (std::size_t i = 0; i < provisional.size(); ++i) {
    labels.voxels[i] = final_label[provisional[i]];
  }
  return labels;
}

Mask KeepLargestComponents(const Mask& mask, int max_count, double min_fraction) {
  std::vector<Component> components;
  LabelMap labels = LabelComponents(mask, 1, &components);
  int keep = 0;
  for (const Component& c : components) {
    if (keep >= max_count) break;
    if (c.voxels < min_fraction * components.front().voxels) break;
    ++keep;
  }
  Mask out = LikeGrid<std::uint8_t>(mask);
  for (std::size_t i = 0; i < labels.voxels.size(); ++i) {
    out.voxels[i] = labels.voxels[i] != 0 && labels.voxels[i] <= keep ? 1 : 0;
  }
  return out;
}

Mask LesionsInLungs(const LabelMap& labels, const std::vector<Component>& components,
                    const Mask& lungs, double whole_fraction) {
  std::vector<std::int64_t> inside(components.size() + 1, 0);
  for (std::size_t i = 0; i < labels.voxels.size(); ++i) {
    if (labels.voxels[i] && lungs.voxels[i]) ++inside[labels.voxels[i]];
  }
  std::vector<bool> whole(inside.size(), false);
  for (const Component& c : components) {
    whole[c.label] = c.voxels > 0 && inside[c.label] >= whole_fraction * c.voxels;
  }
  Mask out = LikeGrid<std::uint8_t>(labels);
  for (std::size_t i = 0; i < labels.voxels.size(); ++i) {
    const std::uint16_t l = labels.voxels[i];
    out.voxels[i] = l && (whole[l] || lungs.voxels[i]) ? 1 : 0;
  }
  return out;
}

Mask FillAxialHoles(const Mask& mask) {
  const int nx = mask.size_xyz[0], ny = mask.size_xyz[1], nz = mask.size_xyz[2];
  Mask out = LikeGrid<std::uint8_t>(mask);  // every voxel is written below
  std::vector<std::uint8_t> outside(static_cast<std::size_t>(nx) * ny);
  std::vector<int> stack;
  for (int z = 0; z < nz; ++z) {
    const std::uint8_t* slice = mask.voxels.data() + mask.Index(0, 0, z);
    std::fill(outside.begin(), outside.end(), 0);
    auto seed = [&](int x, int y) {
      const int i = y * nx + x;
      if (slice[i] || outside[i]) return;
      outside[i] = 1;
      stack.push_back(i);
    };
    for (int x = 0; x < nx; ++x) {
      seed(x, 0);
      seed(x, ny - 1);
    }
    for (int y = 0; y < ny; ++y) {
      seed(0, y);
      seed(nx - 1, y);
    }
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      const int x = i % nx, y = i / nx;
      if (x > 0) seed(x - 1, y);
      if (x + 1 < nx) seed(x + 1, y);
      if (y > 0) seed(x, y - 1);
      if (y + 1 < ny) seed(x, y + 1);
    }
    std::uint8_t* filled = out.voxels.data() + out.Index(0, 0, z);
    for (std::size_t i = 0; i < outside.size(); ++i) filled[i] = outside[i] ? 0 : 1;
  }
  return out;
}

Mask BodyMask(const Volume& ct, float body_hu) {
  Mask dense = LikeGrid<std::uint8_t>(ct);
  for (std::size_t i = 0; i < ct.voxels.size(); ++i) dense.voxels[i] = ct.voxels[i] > body_hu;
  return FillAxialHoles(KeepLargestComponents(dense, 1, 0.0));
}

}  // namespace ctscreen::inference
