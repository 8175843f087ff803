#!/usr/bin/env python3
"""Draws a grouped bar chart (SVG, no dependencies) of GFLOP/s per size from compare.py --raw JSONL records.

    python3 bench/peers/chart.py docs/data/peers-dot-2026-11-23.jsonl -o docs/images/speed-dot.svg

One group per P×D×B, one bar per implementation (Hopfield.ML, ONNX Runtime, numpy, torch, whichever the records
hold), the value printed on each bar, and a dashed line at the fp32 GEMM limit the issue sets (--limit, default 390).
When the records hold several runs of the same size and implementation (several files, or one file with records of
several runs), each bar is their median.
"""
import argparse
import json
import statistics
import sys
from html import escape

NAMES = {"hopfield.ml": "Hopfield.ML", "ort": "ONNX Runtime 1.22", "numpy": "numpy + OpenBLAS", "torch": "torch 1.13"}
COLORS = {"hopfield.ml": "#1f77b4", "ort": "#ff7f0e", "numpy": "#2ca02c", "torch": "#9467bd"}


def load(paths, similarity):
    samples = {}
    for path in paths:
        load_one(path, similarity, samples)
    if not samples:
        sys.exit(f"{', '.join(paths)}: no {similarity} retrieval records with gflops")
    runs = max(len(v) for g in samples.values() for v in g.values())
    return {size: {peer: statistics.median(v) for peer, v in g.items()} for size, g in samples.items()}, runs


def load_one(path, similarity, groups):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}:{n}: not JSON ({e.msg})")
            if rec.get("kind") == "recall" or rec.get("similarity", "dot") != similarity or "gflops" not in rec:
                continue
            peer = rec.get("peer", "hopfield.ml")
            size = (rec["patterns"], rec["dim"], rec["queries"])
            groups.setdefault(size, {}).setdefault(peer, []).append(float(rec["gflops"]))


def svg(groups, limit, title):
    peers = [p for p in NAMES if any(p in g for g in groups.values())]
    w, h, left, right, top, bottom = 760, 400, 60, 20, 50, 70
    pw, ph = w - left - right, h - top - bottom
    ymax = max(max(max(g.values()) for g in groups.values()), limit) * 1.12
    y = lambda v: top + ph - v / ymax * ph
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>']
    step = 50 if ymax <= 500 else 100
    v = 0
    while v <= ymax:
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
        v += step
    out.append(f'<text x="16" y="{top + ph / 2}" transform="rotate(-90 16 {top + ph / 2})" text-anchor="middle">GFLOP/s (4·P·D·B per batch)</text>')
    sizes = sorted(groups, key=lambda s: (s[0], -s[1], s[2]))
    gw = pw / len(sizes)
    bw = gw * 0.8 / len(peers)
    for gi, size in enumerate(sizes):
        x0 = left + gi * gw + gw * 0.1
        for pi, peer in enumerate(peers):
            val = groups[size].get(peer)
            if val is None:
                continue
            x = x0 + pi * bw
            out.append(f'<rect x="{x:.1f}" y="{y(val):.1f}" width="{bw - 3:.1f}" height="{top + ph - y(val):.1f}" fill="{COLORS[peer]}"/>')
            out.append(f'<text x="{x + (bw - 3) / 2:.1f}" y="{y(val) - 4:.1f}" text-anchor="middle" font-size="11">{val:.0f}</text>')
        out.append(f'<text x="{left + gi * gw + gw / 2:.1f}" y="{top + ph + 18}" text-anchor="middle">{size[0]} × {size[1]} × {size[2]}</text>')
    out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(limit):.1f}" y2="{y(limit):.1f}" stroke="#c00" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{w - right - 4}" y="{y(limit) - 5:.1f}" text-anchor="end" fill="#c00">fp32 GEMM limit {limit:g}</text>')
    lx = left
    for peer in peers:
        out.append(f'<rect x="{lx}" y="{h - 26}" width="12" height="12" fill="{COLORS[peer]}"/>')
        out.append(f'<text x="{lx + 16}" y="{h - 16}">{escape(NAMES[peer])}</text>')
        lx += 30 + 7 * len(NAMES[peer])
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("raw", nargs="+", help="JSONL written by compare.py --raw (one or more)")
    ap.add_argument("-o", "--out", required=True, help="SVG file to write")
    ap.add_argument("--similarity", default="dot")
    ap.add_argument("--limit", type=float, default=390.0)
    ap.add_argument("--title", default="Modern-Hopfield retrieval, fp32, 2 threads")
    a = ap.parse_args()
    groups, runs = load(a.raw, a.similarity)
    title = a.title if runs == 1 else f"{a.title} (median of {runs} runs)"
    text = svg(groups, a.limit, title)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
