"""The NRRD files ctscreen and its phantoms write (raw or gzip; uint8 masks, float maps), read
with numpy alone, for the scripts and test checks that look at them.

  from nrrd_file import read_nrrd
  volume, directions, origin = read_nrrd(path)

volume is indexed [z, y, x]; directions holds one row per axis (the x, y and z steps in LPS
mm, so a voxel's position is origin + [i, j, k] @ directions); origin is LPS mm.
"""
import gzip
import re

import numpy as np

_TYPES = {"uint8": np.uint8, "unsigned char": np.uint8, "float": np.float32}


def read_nrrd(path):
    raw = open(path, "rb").read()
    cut = raw.index(b"\n\n")
    header, data = raw[:cut].decode(), raw[cut + 2:]
    if re.search(r"encoding: gzip", header):
        data = gzip.decompress(data)
    dtype = _TYPES[re.search(r"type: (.*)", header).group(1).strip()]
    size = [int(v) for v in re.search(r"sizes: (.*)", header).group(1).split()]
    steps = re.search(r"space directions: (.*)", header).group(1)
    directions = np.array([[float(v) for v in t.split(",")]
                           for t in re.findall(r"\(([^)]*)\)", steps)])
    origin = np.array([float(v) for v in
                       re.search(r"space origin: \(([^)]*)\)", header).group(1).split(",")])
    volume = np.frombuffer(data, dtype).reshape(size[2], size[1], size[0])
    return volume, directions, origin
