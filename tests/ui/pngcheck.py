#!/usr/bin/env python3
"""Checks that PNG screenshots are not blank: each must decode (8-bit RGB or RGBA, as Qt writes
them), be at least 400x300, and have many distinct colours with no single colour covering
almost all of it. Standard library only. Usage: pngcheck.py FILE..."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour})")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def check(path):
    width, height, bpp, rows = decode(path)
    if width < 400 or height < 300:
        return f"{width}x{height} is too small"
    counts = {}
    for row in rows[::2]:
        for x in range(0, len(row), bpp * 2):
            pixel = row[x:x + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    top = max(counts.values())
    if len(counts) < 16 or top > 0.97 * total:
        return f"looks blank ({len(counts)} colours, the commonest covers {top / total:.0%})"
    return None


status = 0
for path in sys.argv[1:]:
    try:
        problem = check(path)
    except Exception as error:  # a broken file is a failure, not a crash
        problem = str(error)
    print(f"{path}: {problem or 'ok'}")
    status |= problem is not None
sys.exit(status)
