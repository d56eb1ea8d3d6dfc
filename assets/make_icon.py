# Generates assets/icon.png: a rounded dark tile with three connected nodes forming a loop.
import zlib, struct, math
S = 256; SS = 3
def inside_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r); cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))
nodes = [(72, 88, (240, 147, 43)), (184, 88, (224, 79, 107)), (128, 184, (63, 127, 224))]
ring_c, ring_r = (128, 120), 62
def color(x, y):
    if not inside_round_rect(x, y, 8, 8, 248, 248, 48):
        return None
    c = (27, 29, 34)
    d = abs(math.hypot(x - ring_c[0], y - ring_c[1]) - ring_r)
    if d < 7:
        c = (205, 208, 218)
    for (nx, ny, nc) in nodes:
        dd = math.hypot(x - nx, y - ny)
        if dd < 30:
            c = nc if dd < 24 else (27, 29, 34)
    return c
rows = []
for y in range(S):
    row = bytearray([0])
    for x in range(S):
        acc = [0, 0, 0, 0]
        for sy in range(SS):
            for sx in range(SS):
                c = color(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)
                if c:
                    acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
        n = SS * SS
        a = acc[3] / n
        if a > 0:
            k = 255 / acc[3] * n / n
            row += bytes([int(acc[0] * 255 / acc[3]), int(acc[1] * 255 / acc[3]), int(acc[2] * 255 / acc[3]), int(a)])
        else:
            row += bytes([0, 0, 0, 0])
    rows.append(bytes(row))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", S, S, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open("icon.png", "wb").write(png)
