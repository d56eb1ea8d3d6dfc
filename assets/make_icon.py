"""Generates Eventloom's icons: a rounded dark tile with three connected nodes on a loop.

Run from assets/ (`python3 make_icon.py`); pure Python, no packages. Writes
- icon.png                          256 px, the window icon (src/ui/mod.rs)
- icons/hicolor/NxN/apps/eventloom.png   the Linux desktop icon in the usual sizes (the .deb)
- eventloom.ico                     Windows: 16–256 px PNG entries (build.rs embeds it)
- macos/eventloom.icns              macOS: 16–512 px and @2x PNG entries (the .app bundle)

Every size is drawn from the shapes below (256-unit coordinates), not scaled from a
bitmap, so the small sizes stay sharp.
"""
import math
import os
import struct
import zlib

UNITS = 256
TILE = (27, 29, 34)
RING = (205, 208, 218)
NODES = [(72, 88, (240, 147, 43)), (184, 88, (224, 79, 107)), (128, 184, (63, 127, 224))]
RING_C, RING_R = (128, 120), 62


def inside_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def color(x, y, ring_half):
    """The colour at (x, y) in 256-unit coordinates, or None outside the tile."""
    if not inside_round_rect(x, y, 8, 8, 248, 248, 48):
        return None
    c = TILE
    d = abs(math.hypot(x - RING_C[0], y - RING_C[1]) - RING_R)
    if d < ring_half:
        c = RING
    for nx, ny, nc in NODES:
        dd = math.hypot(x - nx, y - ny)
        if dd < 30:
            c = nc if dd < 24 else TILE
    return c


def render(size):
    """RGBA rows (each with PNG's leading filter byte) of the icon at `size` pixels."""
    ss = 3 if size <= 256 else 2  # samples per pixel side
    k = UNITS / size
    # The ring stays at least 1.5 px wide when small (7 units is under half a pixel at 16 px).
    ring_half = max(7, 0.75 * k)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    c = color((x + (sx + 0.5) / ss) * k, (y + (sy + 0.5) / ss) * k, ring_half)
                    if c:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            if acc[3] > 0:
                a = acc[3] / (ss * ss)
                row += bytes([int(acc[i] * 255 / acc[3]) for i in range(3)] + [int(a)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    return rows


def png(size):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    data = zlib.compress(b"".join(render(size)), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def ico(images):
    """A Windows .ico of PNG entries (Vista and later read PNG entries at every size)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return head + entries + blobs


def icns(entries):
    """A macOS .icns of PNG entries (OSType, PNG bytes), readable since 10.7."""
    body = b"".join(t + struct.pack(">I", 8 + len(d)) + d for t, d in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
    pngs = {s: png(s) for s in sizes}
    write("icon.png", pngs[256])
    for s in [16, 24, 32, 48, 64, 128, 256, 512]:
        write(f"icons/hicolor/{s}x{s}/apps/eventloom.png", pngs[s])
    write("eventloom.ico", ico([(s, pngs[s]) for s in [16, 24, 32, 48, 64, 256]]))
    icns_types = [
        (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
        (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
        (b"ic14", 512),
    ]
    write("macos/eventloom.icns", icns([(t, pngs[s]) for t, s in icns_types]))


if __name__ == "__main__":
    main()
