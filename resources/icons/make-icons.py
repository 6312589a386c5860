#!/usr/bin/env python3
"""Draws the ssehub icon (a source dot sending three waves) as PNGs at the hicolor sizes, with
nothing but the standard library: signed distances per pixel, 4x4 supersampling. Run it again
after changing the drawing; the PNGs and ssehub.svg are kept in the repository."""
import math, struct, sys, zlib
from pathlib import Path

BG = (21, 101, 192)      # #1565c0
FG = (255, 255, 255)

def coverage(x, y):
    """Returns (background alpha, foreground alpha) at a point of the unit square."""
    # Rounded square, radius 0.18.
    r = 0.18
    qx, qy = abs(x - 0.5) - (0.5 - r), abs(y - 0.5) - (0.5 - r)
    outside = math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r
    if outside > 0:
        return 0.0, 0.0
    cx, cy = 0.28, 0.72
    d = math.hypot(x - cx, y - cy)
    if d < 0.085:
        return 1.0, 1.0
    angle = math.atan2(cy - y, x - cx)  # 0 to the right, up positive
    if -0.05 < angle < math.pi / 2 + 0.05:
        for radius in (0.24, 0.40, 0.56):
            if abs(d - radius) < 0.045:
                return 1.0, 1.0
    return 1.0, 0.0

def render(size):
    rows = []
    n = 4
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            bg = fg = 0.0
            for sy in range(n):
                for sx in range(n):
                    b, f = coverage((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)
                    bg += b
                    fg += f
            bg /= n * n
            fg /= n * n
            if bg == 0:
                row += bytes(4)
                continue
            t = fg / bg
            rgb = [round(BG[i] * (1 - t) + FG[i] * t) for i in range(3)]
            row += bytes(rgb + [round(255 * bg)])
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        (out / f"ssehub-{size}.png").write_bytes(render(size))
