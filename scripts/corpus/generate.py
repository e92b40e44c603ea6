"""Builds the image corpus from Debian's encoders and records the ground truth in manifest.json.

Ground truth for every file: the encoder's parameters (format, size, frames) plus a full decode of every frame by
Pillow (the decoder vLLM and SGLang use) and by libvips (`fail_on=error`), recorded at generation time.

Expected verdicts:
  - both decoders decode the file  -> "valid" at every level (the endpoint must never refuse it);
  - both refuse it                 -> "invalid" at every level, unless overrides.json says a level cannot see it;
  - they disagree                  -> the recipe's own verdict (`disagree`), recorded with both decoders' results.
overrides.json (hand-kept, beside this script) holds per-file notes and verdicts the decoders alone don't fix,
each with its reason.

Usage: generate.py <output-dir>   (run through generate.sh, which checks the tools)
"""

import io
import json
import re
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib

from PIL import Image, ImageDraw

OUT = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
WORK = tempfile.mkdtemp(prefix="valar-corpus-")
W, H = 96, 64


def run(*args, **kwargs):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)


def picture(shift=0, size=(W, H), mode="RGB"):
    """A smooth gradient with shapes: compresses like a photo, stays small."""
    w, h = size
    im = Image.new("RGB", size)
    px = im.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = ((x * 255 // w + shift * 20) % 256, (y * 255 // h) % 256, ((x + y + shift * 7) * 3) % 256)
    d = ImageDraw.Draw(im)
    d.ellipse((10 + shift * 4, 8, 40 + shift * 4, 38), fill=(250, 240, 20))
    d.rectangle((50, 30 - shift, 80, 55 - shift), fill=(20, 40, 200))
    if mode == "RGBA":
        im = im.convert("RGBA")
        a = Image.new("L", size)
        ap = a.load()
        for y in range(h):
            for x in range(w):
                ap[x, y] = (x * 255 // w)
        im.putalpha(a)
    elif mode != "RGB":
        im = im.convert(mode)
    return im


def tmp(name):
    return os.path.join(WORK, name)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def pillow_bytes(im, fmt, **kw):
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


# ---------------------------------------------------------------- sources

src = picture()
src.save(tmp("src.ppm"))
src.save(tmp("src.png"))
picture(mode="RGBA").save(tmp("src-alpha.png"))
frames = [picture(i) for i in range(5)]
for i, f in enumerate(frames):
    f.save(tmp(f"f{i}.png"))
    f.convert("P", palette=Image.ADAPTIVE, colors=64).save(tmp(f"f{i}.gif"))

entries = []


def add(name, data, fmt, width=W, height=H, frames=1, animated=False, intent="valid", disagree=None, note="", encoder=""):
    entries.append(dict(file=name, data=data, format=fmt, width=width, height=height, frames=frames, animated=animated,
                        intent=intent, disagree=disagree, note=note, encoder=encoder))


# ---------------------------------------------------------------- JPEG

def cjpeg(*opts, source="src.ppm"):
    out = tmp("out.jpg")
    run("cjpeg", *opts, "-outfile", out, tmp(source))
    return read(out)


jpeg_baseline = cjpeg("-quality", "85")
jpeg_progressive = cjpeg("-quality", "85", "-progressive")
add("jpeg-baseline.jpg", jpeg_baseline, "jpeg", encoder="cjpeg -quality 85")
add("jpeg-progressive.jpg", jpeg_progressive, "jpeg", encoder="cjpeg -progressive")
add("jpeg-optimized.jpg", cjpeg("-optimize"), "jpeg", encoder="cjpeg -optimize")
add("jpeg-restart.jpg", cjpeg("-restart", "1"), "jpeg", encoder="cjpeg -restart 1")
add("jpeg-arithmetic.jpg", cjpeg("-arithmetic"), "jpeg", encoder="cjpeg -arithmetic")
add("jpeg-grayscale.jpg", cjpeg("-grayscale"), "jpeg", encoder="cjpeg -grayscale")
add("jpeg-444.jpg", cjpeg("-sample", "1x1"), "jpeg", encoder="cjpeg -sample 1x1")
run("convert", tmp("src.png"), "-colorspace", "CMYK", "-quality", "80", tmp("cmyk.jpg"))
add("jpeg-cmyk.jpg", read(tmp("cmyk.jpg")), "jpeg", encoder="convert -colorspace CMYK")
run("convert", tmp("src.png"), "-interlace", "JPEG", "-set", "comment", "made by ImageMagick", tmp("im.jpg"))
add("jpeg-imagemagick-progressive.jpg", read(tmp("im.jpg")), "jpeg", encoder="convert -interlace JPEG")
add("jpeg-pillow-exif.jpg", pillow_bytes(src, "JPEG", quality=90, exif=b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00"), "jpeg",
    encoder="Pillow save(exif=...)")
run("vips", "jpegsave", tmp("src.png"), tmp("vips.jpg"), "--Q", "75")
add("jpeg-vips.jpg", read(tmp("vips.jpg")), "jpeg", encoder="vips jpegsave")
big = picture(size=(640, 480))
big.save(tmp("big.ppm"))
add("jpeg-640x480.jpg", cjpeg("-quality", "70", source="big.ppm"), "jpeg", 640, 480, encoder="cjpeg -quality 70")


def jpeg_segments(data):
    """(marker, start, end) of every segment up to and including SOS; end is past the segment."""
    out = []
    i = 2
    while i < len(data):
        while data[i] == 0xFF and data[i + 1] == 0xFF:
            i += 1
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        out.append((marker, i, i + 2 + length))
        i += 2 + length
        if marker == 0xDA:
            break
    return out


def jpeg_find(data, marker):
    return next(s for s in jpeg_segments(data) if s[0] == marker)


def jpeg_scan_start(data):
    return jpeg_find(data, 0xDA)[2]


def patch(data, offset, values):
    b = bytearray(data)
    b[offset:offset + len(values)] = bytes(values)
    return bytes(b)


def strip_markers(data, marker):
    b = data
    for m, s, e in reversed(jpeg_segments(data)):
        if m == marker:
            b = b[:s] + b[e:]
    return b


jb = jpeg_baseline
scan = jpeg_scan_start(jb)
# Legal variations.
add("jpeg-no-dht.jpg", strip_markers(jb, 0xC4), "jpeg", note="no DHT: libjpeg supplies the standard Huffman tables (Motion-JPEG)",
    encoder="cjpeg, DHT removed")
add("jpeg-fill-bytes.jpg", jb[:2] + b"\xff\xff\xff" + jb[2:scan] + jb[scan:], "jpeg", note="fill bytes before the first marker",
    encoder="cjpeg + fill bytes")
add("jpeg-trailing-garbage.jpg", jb + b"trailing bytes after EOI", "jpeg", note="bytes after EOI are ignored by decoders",
    encoder="cjpeg + trailing bytes")
add("jpeg-short-scan-with-eoi.jpg", jb[:len(jb) // 2] + b"\xff\xd9", "jpeg",
    note="scan cut at 50% and closed with EOI: libjpeg pads it with a warning, and Pillow and libvips decode it", encoder="cjpeg, scan cut")
# Broken.
for pct in (25, 50, 90):
    add(f"jpeg-truncated-{pct}.jpg", jb[:len(jb) * pct // 100], "jpeg", intent="invalid", note=f"cut at {pct}%")
add("jpeg-truncated-progressive-60.jpg", jpeg_progressive[:len(jpeg_progressive) * 60 // 100], "jpeg", intent="invalid", note="cut at 60%")
add("jpeg-truncated-no-eoi.jpg", jb[:-2], "jpeg", intent="invalid", disagree="invalid", note="EOI missing")
add("jpeg-truncated-after-sos.jpg", jb[:scan], "jpeg", intent="invalid", note="ends right after the SOS header")
add("jpeg-truncated-in-header.jpg", jb[:jpeg_find(jb, 0xC0)[1] + 6], "jpeg", intent="invalid", note="ends inside SOF0")
m, s, e = jpeg_find(jb, 0xC4)
add("jpeg-corrupt-dht.jpg", patch(jb, s + 5, [0xFF] * 16), "jpeg", intent="invalid", note="DHT code counts add up past 256")
add("jpeg-no-dqt.jpg", strip_markers(jb, 0xDB), "jpeg", intent="invalid", note="no DQT segment")
sof = jpeg_find(jb, 0xC0)
add("jpeg-sof3.jpg", patch(jb, sof[1] + 1, [0xC3]), "jpeg", intent="invalid", note="SOF3 (lossless) frame header")
add("jpeg-precision-7.jpg", patch(jb, sof[1] + 4, [7]), "jpeg", intent="invalid", note="sample precision 7")
add("jpeg-precision-12.jpg", patch(jb, sof[1] + 4, [12]), "jpeg", intent="invalid", note="sample precision 12")
nine = bytes([8]) + jb[sof[1] + 5:sof[1] + 9] + bytes([9]) + b"".join(bytes([i + 1, 0x11, 0]) for i in range(9))
add("jpeg-9-components.jpg", jb[:sof[1]] + b"\xff\xc0" + struct.pack(">H", len(nine) + 2) + nine + jb[sof[2]:], "jpeg", intent="invalid",
    note="frame header with 9 components")
sos = jpeg_find(jb, 0xDA)
add("jpeg-sos-missing-component.jpg", patch(jb, sos[1] + 5, [9]), "jpeg", intent="invalid", note="SOS names component 9, absent from the frame")
add("jpeg-zero-width.jpg", patch(jb, sof[1] + 7, [0, 0]), "jpeg", intent="invalid", note="width 0")
mid = scan + (len(jb) - scan) // 3
add("jpeg-flipped-bytes.jpg", patch(jb, mid, [b ^ 0x5A for b in jb[mid:mid + 24]]), "jpeg", intent="invalid",
    note="24 bytes of entropy-coded data flipped")
add("jpeg-no-sos.jpg", jb[:sos[1]] + b"\xff\xd9", "jpeg", intent="invalid", note="EOI right after the tables: no scan")

# ---------------------------------------------------------------- PNG

add("png-rgb.png", pillow_bytes(src, "PNG"), "png", encoder="Pillow")
add("png-rgba.png", read(tmp("src-alpha.png")), "png", encoder="Pillow RGBA")
add("png-palette.png", pillow_bytes(src.convert("P", palette=Image.ADAPTIVE, colors=32), "PNG"), "png", encoder="Pillow P")
add("png-gray16.png", pillow_bytes(src.convert("L").convert("I").point(lambda v: v * 257), "PNG"), "png", encoder="Pillow mode I (16-bit gray)")
run("convert", tmp("src.png"), "-interlace", "PNG", "-define", "png:exclude-chunk=date,time", tmp("interlaced.png"))
png_interlaced = read(tmp("interlaced.png"))
add("png-interlaced.png", png_interlaced, "png", encoder="convert -interlace PNG")
run("vips", "pngsave", tmp("src-alpha.png"), tmp("vips.png"), "--compression", "9")
add("png-vips.png", read(tmp("vips.png")), "png", encoder="vips pngsave")
apng = pillow_bytes(frames[0], "PNG", save_all=True, append_images=frames[1:4], duration=100, loop=0)
add("png-apng-4.png", apng, "png", frames=4, animated=True, encoder="Pillow save_all (APNG)")
apng_default = pillow_bytes(frames[0], "PNG", save_all=True, append_images=frames[1:3], duration=100, default_image=True)
add("png-apng-default-image.png", apng_default, "png", frames=3, animated=True, encoder="Pillow save_all default_image=True")
pb = pillow_bytes(src, "PNG")


def png_chunks(data):
    out = []
    i = 8
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        out.append((data[i + 4:i + 8], i, i + 12 + length))
        i += 12 + length
    return out


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


ihdr = next(c for c in png_chunks(pb) if c[0] == b"IHDR")
idat = next(c for c in png_chunks(pb) if c[0] == b"IDAT")
add("png-trailing-garbage.png", pb + b"bytes after IEND", "png", encoder="Pillow + trailing bytes")
add("png-ancillary-bad-crc.png", pb[:ihdr[2]] + png_chunk(b"tEXt", b"Comment\x00x")[:-4] + b"\0\0\0\0" + pb[ihdr[2]:], "png",
    intent="valid", disagree="valid", note="tEXt with a wrong CRC: ancillary, decoders may skip it")
for pct in (30, 60, 90):
    add(f"png-truncated-{pct}.png", pb[:len(pb) * pct // 100], "png", intent="invalid", note=f"cut at {pct}%")
add("png-truncated-interlaced-361.png", png_interlaced[:361], "png", intent="invalid", note="interlaced PNG cut at byte 361")
add("png-no-iend.png", pb[:-12], "png", intent="invalid", disagree="invalid", note="IEND missing")
add("png-ihdr-bad-crc.png", patch(pb, ihdr[2] - 1, [pb[ihdr[2] - 1] ^ 0xFF]), "png", intent="invalid", note="IHDR CRC wrong")
add("png-idat-bad-crc.png", patch(pb, idat[2] - 1, [pb[idat[2] - 1] ^ 0xFF]), "png", intent="invalid", disagree="invalid",
    note="IDAT CRC wrong (Pillow skips IDAT CRCs, libpng does not)")
add("png-no-idat.png", pb[:idat[1]] + pb[idat[2]:], "png", intent="invalid", note="no IDAT chunk")
add("png-chunk-past-end.png", patch(pb, idat[1], struct.pack(">I", 0x00FFFFFF)), "png", intent="invalid", note="IDAT length past the end of the file")
fmid = idat[1] + 8 + (idat[2] - idat[1] - 12) // 2
add("png-flipped-bytes.png", patch(pb, fmid, [b ^ 0x5A for b in pb[fmid:fmid + 16]]), "png", intent="invalid",
    note="16 bytes of IDAT flipped, CRC left as it was")
body = bytearray(pb[idat[1] + 8:idat[2] - 4])
body[len(body) // 2:len(body) // 2 + 16] = bytes(b ^ 0x5A for b in body[len(body) // 2:len(body) // 2 + 16])
add("png-flipped-bytes-crc-fixed.png", pb[:idat[1]] + png_chunk(b"IDAT", bytes(body)) + pb[idat[2]:], "png", intent="invalid",
    note="16 bytes of IDAT flipped and the CRC recomputed: only inflating sees it")
add("png-idat-before-ihdr.png", pb[:8] + pb[idat[1]:idat[2]] + pb[8:idat[1]] + pb[idat[2]:], "png", intent="invalid", note="IDAT before IHDR")
add("png-bad-bit-depth.png", pb[:ihdr[1]] + png_chunk(b"IHDR", pb[ihdr[1] + 8:ihdr[1] + 16] + b"\x07" + pb[ihdr[1] + 17:ihdr[1] + 21]) + pb[ihdr[2]:],
    "png", intent="invalid", note="IHDR bit depth 7")
ac = next(c for c in png_chunks(apng) if c[0] == b"acTL")
add("png-apng-actl-too-many.png", apng[:ac[1]] + png_chunk(b"acTL", struct.pack(">II", 9, 0)) + apng[ac[2]:], "png", intent="invalid",
    disagree="invalid", note="acTL says 9 frames, 4 present")
add("png-apng-actl-zero.png", apng[:ac[1]] + png_chunk(b"acTL", struct.pack(">II", 0, 0)) + apng[ac[2]:], "png", intent="invalid",
    disagree="invalid", note="acTL says 0 frames")
add("png-apng-truncated-70.png", apng[:len(apng) * 70 // 100], "png", intent="invalid", note="APNG cut at 70%")

# ---------------------------------------------------------------- GIF

run("convert", tmp("f0.gif"), tmp("static.gif"))
gif_static = read(tmp("static.gif"))
add("gif-static.gif", gif_static, "gif", encoder="convert")
run("gifsicle", "--delay", "10", "--loopcount=forever", *[tmp(f"f{i}.gif") for i in range(5)], "-o", tmp("anim.gif"))
gif_anim = read(tmp("anim.gif"))
add("gif-animated-5.gif", gif_anim, "gif", frames=5, animated=True, encoder="gifsicle --delay 10")
run("gifsicle", "--delay", "10", tmp("f0.gif"), tmp("f1.gif"), "-o", tmp("anim2.gif"))
add("gif-animated-2.gif", read(tmp("anim2.gif")), "gif", frames=2, animated=True, encoder="gifsicle, 2 frames")
run("gifsicle", "--interlace", tmp("f0.gif"), "-o", tmp("interlaced.gif"))
add("gif-interlaced.gif", read(tmp("interlaced.gif")), "gif", encoder="gifsicle --interlace")
run("gifsicle", "-O3", *[tmp(f"f{i}.gif") for i in range(5)], "-o", tmp("opt.gif"))
add("gif-animated-optimized.gif", read(tmp("opt.gif")), "gif", frames=5, animated=True, encoder="gifsicle -O3")
add("gif-pillow-animated-3.gif", pillow_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:3], duration=80, loop=0), "gif",
    frames=3, animated=True, encoder="Pillow save_all")
run("convert", tmp("f0.gif"), "-transparent", "white", tmp("transparent.gif"))
add("gif-87a.gif", b"GIF87a" + gif_static[6:], "gif", encoder="convert, version 87a")


def gif_blocks(data):
    """(kind, start, end, image-data start) of every block after the header and global colour table."""
    flags = data[10]
    i = 13 + ((3 << ((flags & 7) + 1)) if flags & 0x80 else 0)
    out = []
    while i < len(data):
        b = data[i]
        if b == 0x3B:
            out.append(("trailer", i, i + 1, None))
            break
        if b == 0x21:
            j = i + 2
        elif b == 0x2C:
            lf = data[i + 9]
            j = i + 10 + ((3 << ((lf & 7) + 1)) if lf & 0x80 else 0)
            lzw = j
            j += 1
        else:
            break
        while data[j] != 0:
            j += 1 + data[j]
        out.append(("image" if b == 0x2C else "ext", i, j + 1, lzw if b == 0x2C else None))
        i = j + 1
    return out


gblocks = gif_blocks(gif_anim)
images = [b for b in gblocks if b[0] == "image"]
for pct in (30, 60, 90):
    add(f"gif-truncated-{pct}.gif", gif_anim[:len(gif_anim) * pct // 100], "gif", intent="invalid", note=f"animated GIF cut at {pct}%")
add("gif-static-truncated-50.gif", gif_static[:len(gif_static) // 2], "gif", intent="invalid", note="static GIF cut at 50%")
add("gif-no-trailer.gif", gif_anim[:-1], "gif", frames=5, animated=True, intent="valid", disagree="valid", note="trailer missing after complete frames")
first = images[0]
add("gif-lzw-code-size-0.gif", patch(gif_anim, first[3], [0]), "gif", intent="invalid", note="LZW minimum code size 0")
add("gif-lzw-code-size-12.gif", patch(gif_anim, first[3], [12]), "gif", intent="invalid", note="LZW minimum code size 12")
add("gif-descriptor-without-data.gif", gif_static[:gif_blocks(gif_static)[-2][1] + 10] + b"\x3b", "gif", intent="invalid",
    note="image descriptor followed by the trailer")
gm = images[1][3] + 40
add("gif-flipped-bytes.gif", patch(gif_anim, gm, [b ^ 0x5A for b in gif_anim[gm:gm + 24]]), "gif", frames=5, animated=True, intent="invalid",
    note="24 bytes of LZW data in frame 2 flipped")
add("gif-no-frames.gif", gif_anim[:gblocks[0][1]] + b"\x3b", "gif", intent="invalid", note="header and trailer only")
add("gif-bad-block.gif", gif_anim[:images[1][1]] + b"\x99" + gif_anim[images[1][1]:], "gif", intent="invalid", disagree="invalid",
    note="an unknown block introducer between frames")

# ---------------------------------------------------------------- WebP

def cwebp(*opts, source="src.png"):
    out = tmp("out.webp")
    run("cwebp", "-quiet", *opts, tmp(source), "-o", out)
    return read(out)


webp_lossy = cwebp("-q", "80")
add("webp-lossy.webp", webp_lossy, "webp", encoder="cwebp -q 80")
webp_lossless = cwebp("-lossless")
add("webp-lossless.webp", webp_lossless, "webp", encoder="cwebp -lossless")
webp_alpha = cwebp("-q", "80", source="src-alpha.png")
add("webp-lossy-alpha.webp", webp_alpha, "webp", encoder="cwebp -q 80 (alpha)")
add("webp-lossless-alpha.webp", cwebp("-lossless", source="src-alpha.png"), "webp", encoder="cwebp -lossless (alpha)")
add("webp-exif.webp", cwebp("-q", "60", "-metadata", "all", source="src.png"), "webp", encoder="cwebp -metadata all")
run("img2webp", "-loop", "0", "-d", "100", "-lossy", *[tmp(f"f{i}.png") for i in range(5)], "-o", tmp("anim.webp"))
webp_anim = read(tmp("anim.webp"))
add("webp-animated-5.webp", webp_anim, "webp", frames=5, animated=True, encoder="img2webp -lossy, 5 frames")
run("gif2webp", "-quiet", tmp("anim2.gif"), "-o", tmp("anim2.webp"))
add("webp-animated-gif2webp.webp", read(tmp("anim2.webp")), "webp", frames=2, animated=True, encoder="gif2webp")
add("webp-pillow-animated-3.webp", pillow_bytes(frames[0], "WEBP", save_all=True, append_images=frames[1:3], duration=80, lossless=True),
    "webp", frames=3, animated=True, encoder="Pillow save_all lossless")
run("vips", "webpsave", tmp("src.png"), tmp("vips.webp"), "--Q", "70")
add("webp-vips.webp", read(tmp("vips.webp")), "webp", encoder="vips webpsave")


def riff_chunks(data):
    out = []
    i = 12
    while i + 8 <= len(data):
        size = struct.unpack("<I", data[i + 4:i + 8])[0]
        out.append((data[i:i + 4], i, i + 8 + size + (size & 1)))
        i += 8 + size + (size & 1)
    return out


def riff(chunks):
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


add("webp-trailing-garbage.webp", webp_lossy + b"bytes after the RIFF", "webp", note="libwebp ignores bytes after the RIFF size",
    encoder="cwebp + trailing bytes")
for pct in (30, 60, 90):
    add(f"webp-truncated-{pct}.webp", webp_lossy[:len(webp_lossy) * pct // 100], "webp", intent="invalid", note=f"lossy WebP cut at {pct}%")
add("webp-lossless-truncated-70.webp", webp_lossless[:len(webp_lossless) * 70 // 100], "webp", intent="invalid", note="lossless WebP cut at 70%")
add("webp-animated-truncated-60.webp", webp_anim[:len(webp_anim) * 60 // 100], "webp", intent="invalid", note="animated WebP cut at 60%")
add("webp-riff-size-too-big.webp", patch(webp_lossy, 4, struct.pack("<I", len(webp_lossy) + 100)), "webp", intent="invalid",
    note="RIFF size past the end of the file")
add("webp-riff-size-too-small.webp", patch(webp_lossy, 4, struct.pack("<I", 40)), "webp", intent="invalid",
    note="RIFF size ends inside the VP8 chunk")
add("webp-chunk-size-past-riff.webp", patch(webp_lossy, 16, struct.pack("<I", len(webp_lossy))), "webp", intent="invalid",
    note="VP8 chunk size past the RIFF")
wa = riff_chunks(webp_anim)
vp8x = next(c for c in wa if c[0] == b"VP8X")
add("webp-vp8x-animation-flag-off.webp", patch(webp_anim, vp8x[1] + 8, [webp_anim[vp8x[1] + 8] & ~0x02]), "webp", intent="invalid",
    note="ANMF frames but the VP8X animation flag is off")
add("webp-vp8x-canvas-too-small.webp", patch(webp_anim, vp8x[1] + 12, [9, 0, 0, 9, 0, 0]), "webp", intent="invalid",
    note="canvas 10x10, frames 96x64")
wal = riff_chunks(webp_alpha)
vx = next(c for c in wal if c[0] == b"VP8X")
add("webp-vp8x-animation-flag-no-frames.webp", patch(webp_alpha, vx[1] + 8, [webp_alpha[vx[1] + 8] | 0x02]), "webp", intent="invalid",
    note="VP8X says animated; there is no ANIM/ANMF, only a still frame")
lossy_chunks = riff_chunks(webp_lossy)
vp8 = lossy_chunks[0]
add("webp-vp8-bad-start-code.webp", patch(webp_lossy, vp8[1] + 8 + 3, [0, 0, 0]), "webp", intent="invalid", note="VP8 start code zeroed")
add("webp-vp8l-bad-signature.webp", patch(webp_lossless, 20, [0x2E]), "webp", intent="invalid", note="VP8L signature byte wrong")
wm = vp8[1] + 8 + (vp8[2] - vp8[1]) // 2
add("webp-flipped-bytes.webp", patch(webp_lossy, wm, [b ^ 0x5A for b in webp_lossy[wm:wm + 24]]), "webp", intent="invalid",
    note="24 bytes of VP8 data flipped")
lm = 20 + (len(webp_lossless) - 20) // 2
add("webp-lossless-flipped-bytes.webp", patch(webp_lossless, lm, [b ^ 0x5A for b in webp_lossless[lm:lm + 24]]), "webp", intent="invalid",
    note="24 bytes of VP8L data flipped")
add("webp-bomb-16383.webp", riff([b"VP8L" + struct.pack("<I", 6) + bytes([0x2F]) + struct.pack("<I", 16382 | (16382 << 14)) + b"\x00"]),
    "webp", 16383, 16383, intent="invalid", disagree="invalid", note="38-byte lossless WebP that declares 16383x16383")

# ---------------------------------------------------------------- not supported

run("convert", tmp("src.png"), tmp("image.tga"))
add("other-tga.tga", read(tmp("image.tga")), "unsupported", intent="unsupported", note="Truevision TGA: not a supported type")
run("convert", tmp("src.png"), tmp("image.bmp"))
add("other-bmp.bmp", read(tmp("image.bmp")), "unsupported", intent="unsupported", note="BMP")


# ---------------------------------------------------------------- ground truth

class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


signal.signal(signal.SIGALRM, on_alarm)


def pillow_decode(path):
    signal.alarm(20)
    try:
        with Image.open(path) as im:
            n = getattr(im, "n_frames", 1)
            for i in range(n):
                im.seek(i)
                im.load()
            return dict(ok=True, format=im.format, width=im.size[0], height=im.size[1], frames=n)
    except Timeout:
        return dict(ok=False, error="timeout after 20 s")
    except Exception as e:  # noqa: BLE001 - every failure is a refusal
        return dict(ok=False, error=f"{type(e).__name__}: {e}"[:200])
    finally:
        signal.alarm(0)


def vips_decode(path, fmt):
    options = "n=-1,fail_on=error" if fmt in ("gif", "webp") else "fail_on=error"
    try:
        r = subprocess.run(["vips", "copy", f"{path}[{options}]", tmp("decoded.v")], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return dict(ok=False, error="timeout after 30 s")
    if r.returncode == 0:
        return dict(ok=True)
    # Drop the "(vips:PID): VIPS-WARNING **: time:" prefixes so that the manifest is the same on every run.
    message = re.sub(r"\(vips:\d+\): VIPS-WARNING \*\*: [\d:.]+: ", "", " ".join(r.stderr.split()))
    return dict(ok=False, error=message[:200])


overrides_path = os.path.join(HERE, "overrides.json")
overrides = json.load(open(overrides_path)) if os.path.exists(overrides_path) else {}

if os.path.isdir(OUT):
    shutil.rmtree(OUT)
os.makedirs(OUT)
manifest = []
for e in entries:
    path = os.path.join(OUT, e["file"])
    with open(path, "wb") as f:
        f.write(e["data"])
    p = pillow_decode(path)
    v = vips_decode(path, e["format"])
    if e["intent"] == "unsupported":
        verdict = "unsupported"
    elif p["ok"] and v["ok"]:
        verdict = "valid"
    elif not p["ok"] and not v["ok"]:
        verdict = "invalid"
    else:
        verdict = e["disagree"] or e["intent"]
    expected = {"structure": verdict, "decode": verdict}
    o = overrides.get(e["file"], {})
    expected.update(o.get("expected", {}))
    item = dict(file=e["file"], bytes=len(e["data"]), format=e["format"], encoder=e["encoder"], note=e["note"],
                intent=e["intent"], pillow=p, vips=v, both_decode=p["ok"] and v["ok"], both_refuse=not p["ok"] and not v["ok"],
                expected=expected)
    if e["intent"] != "unsupported":
        item.update(width=e["width"], height=e["height"], frames=e["frames"], animated=e["animated"])
        if e["intent"] == "invalid" and item["both_decode"]:
            # A broken recipe that both decoders read anyway: its facts are what they saw.
            item.update(width=p["width"], height=p["height"], frames=p["frames"], animated=p["frames"] > 1 or e["animated"])
    if o.get("reason"):
        item["override_reason"] = o["reason"]
    if item["both_decode"] and "invalid" in expected.values():
        sys.exit(f"{e['file']}: both decoders decode it; it can't be expected invalid")
    if e["intent"] == "valid" and p["ok"] and (p["width"], p["height"], p["frames"]) != (e["width"], e["height"], e["frames"]):
        sys.exit(f"{e['file']}: Pillow sees {p}, the encoder was asked for {e['width']}x{e['height']}x{e['frames']}")
    manifest.append(item)

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")

shutil.rmtree(WORK)
total = sum(m["bytes"] for m in manifest)
print(f"{len(manifest)} files, {total} bytes; valid {sum(m['expected']['structure'] == 'valid' for m in manifest)}, "
      f"both decode {sum(m['both_decode'] for m in manifest)}, both refuse {sum(m['both_refuse'] for m in manifest)}, "
      f"disagree {sum(not m['both_decode'] and not m['both_refuse'] and m['intent'] != 'unsupported' for m in manifest)}")
for m in manifest:
    if not m["both_decode"] and not m["both_refuse"] and m["intent"] != "unsupported":
        print(f"  disagree: {m['file']}: pillow {m['pillow']} vips {m['vips']} -> {m['expected']}")
    elif m["intent"] == "invalid" and m["both_decode"]:
        print(f"  decoders accept a broken recipe: {m['file']} ({m['note']})")
