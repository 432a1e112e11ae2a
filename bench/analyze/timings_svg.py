#!/usr/bin/env python3
"""The analyze benchmark's runs as a picture: one stacked bar per run, a colour per stage, the
20 s CPU target as a line. Standard library only (the bench runs where matplotlib is not).

  timings_svg.py OUT.svg TITLE RUN.json [RUN.json ...]

Each RUN.json is a result.json that `ctscreen analyze` wrote; its timings_ms are drawn.
"""
import json
import sys

STAGES = [  # result.json's timings_ms keys, in pipeline order, with a colour each
    ("load_bundle", "#9e9e9e"),
    ("read", "#8d6e63"),
    ("preprocess", "#ffb74d"),
    ("lung_seg", "#42a5f5"),
    ("lesion_seg", "#ef5350"),
    ("classify", "#ab47bc"),
    ("map_to_source", "#26a69a"),
    ("write", "#d4e157"),
]
TARGET_S = 20.0  # issue #5: analyze of a 512 x 512 x 300 study on 2 CPU cores


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, title, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs = [json.load(open(p))["timings_ms"] for p in paths]
    left, right, top, bar, gap = 70, 30, 80, 22, 10
    width = 720
    plot_w = width - left - right
    longest = max(max(r.get("total", 0) for r in runs) / 1000.0, TARGET_S)
    scale_s = 5 * (int(longest / 5) + 1)  # axis to the next 5 s
    px = plot_w / scale_s
    height = top + len(runs) * (bar + gap) + 70
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="14" font-weight="bold">{esc(title)}</text>',
    ]
    # Legend above the bars, wrapped to the plot's width.
    x, y = left, 34
    for name, colour in STAGES:
        item = 14 + 7 * len(name) + 12
        if x + item > width - right:
            x, y = left, y + 16
        svg.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>')
        svg.append(f'<text x="{x + 14}" y="{y + 9}">{name}</text>')
        x += item
    for n, r in enumerate(runs):
        y = top + n * (bar + gap)
        svg.append(f'<text x="{left - 8}" y="{y + bar - 6}" text-anchor="end">run {n + 1}</text>')
        x = left
        for name, colour in STAGES:
            ms = r.get(name, 0)
            w = ms / 1000.0 * px
            if w <= 0:
                continue
            svg.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}">'
                f"<title>{name}: {ms:.0f} ms</title></rect>"
            )
            x += w
        total = r.get("total", 0) / 1000.0
        svg.append(f'<text x="{x + 4:.1f}" y="{y + bar - 6}">{total:.1f} s</text>')
    axis_y = top + len(runs) * (bar + gap)
    svg.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="black"/>'
    )
    for s in range(0, scale_s + 1, 5):
        x = left + s * px
        svg.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" '
                   'stroke="black"/>')
        svg.append(f'<text x="{x:.1f}" y="{axis_y + 17}" text-anchor="middle">{s}</text>')
    svg.append(f'<text x="{left + plot_w / 2}" y="{axis_y + 34}" text-anchor="middle">'
               "seconds (result.json timings_ms)</text>")
    tx = left + TARGET_S * px
    svg.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{axis_y}" stroke="black" '
               'stroke-dasharray="4 3"/>')
    svg.append(f'<text x="{tx + 4:.1f}" y="{top - 8}">target {TARGET_S:.0f} s</text>')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
