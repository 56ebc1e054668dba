#!/usr/bin/env python3
"""Compare leadcap's QR decoder with ZXing-C++ and ZBar on the same photos.

Usage: scripts/compare-decoders.py [-n 242] [--size 1920x1080] [--dir DIR [--reuse]] [--json FILE]

1. Generates the synthetic fair-photo set with internal/cardgen (the same
   generator the tests and BenchmarkDecode use), plus each file's decoded
   luminance as PGM.
2. Decodes every image with leadcap (internal/cardgen/cmd/cardgen -decode),
   with ZXing-C++ 1.4 through python3-zxing-cpp, with ZBar through libzbar
   (ctypes) and with `zbarimg --raw`.
3. Prints, per degradation and overall, the share of images whose text came
   out exactly as written, and the median decode time.

Timing: leadcap and ZXing-C++ and libzbar are timed on an image already in
memory (file reading and JPEG/PNG decoding excluded), one image at a time,
on one core each; each image is decoded --repeat times (default 3) and the
fastest run counts, so that other processes on the machine skew less.
zbarimg's wall time is shown too, but it includes process start and file
decoding, so only libzbar's time compares with the others.

Comparison tools only: nothing here is a runtime dependency of leadcap.
Debian: apt-get install python3-zxing-cpp python3-numpy zbar-tools
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import zxingcpp
except ImportError:
    # Debian installs the bindings for the system interpreter only.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("compare-decoders: needs python3-zxing-cpp and python3-numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    # "P5\n<w> <h>\n255\n" as written by cardgen
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return np.frombuffer(parts[3], dtype=np.uint8).reshape(h, w)


def reusable(work, n, size):
    """Whether work holds a set of n images of the given WxH size, with PGMs."""
    mpath = os.path.join(work, "manifest.json")
    if not os.path.exists(mpath):
        return False
    with open(mpath, encoding="utf-8") as f:
        manifest = json.load(f)
    if len(manifest) != n or not manifest:
        return False
    first = os.path.join(work, "pgm", os.path.splitext(manifest[0]["file"])[0] + ".pgm")
    if not os.path.exists(first):
        return False
    h, w = read_pgm(first).shape
    return f"{w}x{h}" == size


class ZBar:
    """Minimal libzbar binding: decode a grey frame, return the texts."""

    def __init__(self):
        name = ctypes.util.find_library("zbar") or "libzbar.so.0"
        z = ctypes.CDLL(name)
        z.zbar_image_scanner_create.restype = ctypes.c_void_p
        z.zbar_image_scanner_set_config.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
        z.zbar_image_create.restype = ctypes.c_void_p
        z.zbar_image_set_format.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        z.zbar_image_set_size.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_uint]
        z.zbar_image_set_data.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p]
        z.zbar_scan_image.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        z.zbar_image_first_symbol.argtypes = [ctypes.c_void_p]
        z.zbar_image_first_symbol.restype = ctypes.c_void_p
        z.zbar_symbol_next.argtypes = [ctypes.c_void_p]
        z.zbar_symbol_next.restype = ctypes.c_void_p
        z.zbar_symbol_get_data.argtypes = [ctypes.c_void_p]
        z.zbar_symbol_get_data.restype = ctypes.c_void_p
        z.zbar_symbol_get_data_length.argtypes = [ctypes.c_void_p]
        z.zbar_image_destroy.argtypes = [ctypes.c_void_p]
        self.z = z
        self.scanner = z.zbar_image_scanner_create()
        z.zbar_image_scanner_set_config(self.scanner, 0, 0, 1)  # all symbologies enabled (ZBAR_CFG_ENABLE)

    def decode(self, arr):
        z = self.z
        h, w = arr.shape
        buf = ctypes.create_string_buffer(arr.tobytes(), w * h)
        img = z.zbar_image_create()
        z.zbar_image_set_format(img, 0x30303859)  # 'Y800'
        z.zbar_image_set_size(img, w, h)
        z.zbar_image_set_data(img, ctypes.addressof(buf), w * h, None)
        t0 = time.perf_counter()
        z.zbar_scan_image(self.scanner, img)
        dt = time.perf_counter() - t0
        texts = []
        sym = z.zbar_image_first_symbol(img)
        while sym:
            n = z.zbar_symbol_get_data_length(sym)
            texts.append(ctypes.string_at(z.zbar_symbol_get_data(sym), n).decode("utf-8", "replace"))
            sym = z.zbar_symbol_next(sym)
        z.zbar_image_destroy(img)
        return texts, dt


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=242, help="number of images (default 242, 22 per degradation)")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--dir", help="work folder (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true",
                    help="with --dir: keep the images already there (same -n and --size) instead of generating them again")
    ap.add_argument("--json", help="also write per-image results to this file")
    ap.add_argument("--repeat", type=int, default=3,
                    help="decode each image this many times with each library and keep the fastest (filters out other load)")
    args = ap.parse_args()

    work = args.dir or tempfile.mkdtemp(prefix="leadcap-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        binpath = os.path.join(work, "cardgen")
        run(["go", "build", "-o", binpath, "./internal/cardgen/cmd/cardgen"])
        mpath = os.path.join(work, "manifest.json")
        if not (args.reuse and reusable(work, args.n, args.size)):
            print(f"generating {args.n} photos ({args.size}) in {work} ...", file=sys.stderr)
            run([binpath, "-out", work, "-n", str(args.n), "-size", args.size, "-pgm"])
        manifest = json.load(open(mpath, encoding="utf-8"))

        print("decoding with leadcap ...", file=sys.stderr)
        out = run([binpath, "-decode", work, "-repeat", str(args.repeat)], capture_output=True, text=True).stdout
        ours = {r["file"]: r for r in map(json.loads, out.splitlines())}

        print("decoding with ZXing-C++ and ZBar ...", file=sys.stderr)
        zbar = ZBar()
        have_zbarimg = shutil.which("zbarimg") is not None
        rows = []
        for e in manifest:
            name, payload = e["file"], e["payload"]
            arr = read_pgm(os.path.join(work, "pgm", os.path.splitext(name)[0] + ".pgm"))
            zx_ms = zb_ms = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                res = zxingcpp.read_barcodes(arr, formats=zxingcpp.BarcodeFormat.QRCode)
                zx_ms = min(zx_ms, (time.perf_counter() - t0) * 1000)
                zb_texts, zb_dt = zbar.decode(arr)
                zb_ms = min(zb_ms, zb_dt * 1000)
            zx_texts = [r.text for r in res]
            zbi_texts, zbi_ms = [], float("nan")
            if have_zbarimg:
                t0 = time.perf_counter()
                p = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                                    os.path.join(work, name)], capture_output=True)
                zbi_ms = (time.perf_counter() - t0) * 1000
                zbi_texts = [p.stdout.decode("utf-8", "replace").rstrip("\n")] if p.returncode == 0 else []
            o = ours[name]
            rows.append({
                "file": name, "degradation": e["degradation"], "encoding": e["encoding"],
                "ours_ok": o["ok"], "ours_ms": o["ms"], "ours_total_ms": o["total_ms"], "ours_error": o.get("error", ""),
                "zxing_ok": payload in zx_texts, "zxing_any": bool(zx_texts), "zxing_ms": zx_ms,
                "zbar_ok": payload in zb_texts, "zbar_any": bool(zb_texts), "zbar_ms": zb_ms,
                "zbarimg_ok": payload in zbi_texts, "zbarimg_any": bool(zbi_texts), "zbarimg_ms": zbi_ms,
            })
        if args.json:
            json.dump(rows, open(args.json, "w"), indent=1)
        report(rows, args)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


def report(rows, args):
    def med(xs):
        return statistics.median(xs) if xs else float("nan")

    degs = []
    for r in rows:
        if r["degradation"] not in degs:
            degs.append(r["degradation"])
    print(f"\n{len(rows)} synthetic fair photos, {args.size}; exact text match; "
          "times in ms per image (median over all images, image already in memory, fastest of "
          f"{args.repeat} runs)\n")
    hdr = f"{'degradation':<12} {'n':>4}  {'leadcap':>8} {'ms':>6}  {'ZXing-C++':>9} {'ms':>6}  {'libzbar':>8} {'ms':>6}  {'zbarimg':>8} {'wall ms':>7}"
    print(hdr)
    print("-" * len(hdr))

    def line(label, rs):
        n = len(rs)
        pct = lambda k: f"{100 * sum(r[k] for r in rs) / n:7.1f}%"
        print(f"{label:<12} {n:>4}  {pct('ours_ok'):>8} {med([r['ours_ms'] for r in rs]):6.1f}  "
              f"{pct('zxing_ok'):>9} {med([r['zxing_ms'] for r in rs]):6.1f}  "
              f"{pct('zbar_ok'):>8} {med([r['zbar_ms'] for r in rs]):6.1f}  {pct('zbarimg_ok'):>8} {med([r['zbarimg_ms'] for r in rs]):7.1f}")

    for d in degs:
        line(d, [r for r in rows if r["degradation"] == d])
    print("-" * len(hdr))
    line("all", rows)
    n = len(rows)
    ours_ok = sum(r["ours_ok"] for r in rows)
    zx_ok = sum(r["zxing_ok"] for r in rows)
    print(f"\nread: leadcap {ours_ok}/{n}, ZXing-C++ {zx_ok}/{n}, libzbar {sum(r['zbar_ok'] for r in rows)}/{n} "
          f"(found a code but wrong text: {sum(r['zbar_any'] and not r['zbar_ok'] for r in rows)}), "
          f"zbarimg --raw {sum(r['zbarimg_ok'] for r in rows)}/{n} "
          f"(wrong text: {sum(r['zbarimg_any'] and not r['zbarimg_ok'] for r in rows)})")
    ok_ms = med([r["ours_ms"] for r in rows if r["ours_ok"]])
    zx_ok_ms = med([r["zxing_ms"] for r in rows if r["zxing_ok"]])
    print(f"median on images each read: leadcap {ok_ms:.1f} ms, ZXing-C++ {zx_ok_ms:.1f} ms; "
          f"leadcap median incl. JPEG/PNG decoding (DecodeBytes): {med([r['ours_total_ms'] for r in rows]):.1f} ms")
    only_zx = [r["file"] for r in rows if r["zxing_ok"] and not r["ours_ok"]]
    only_us = [r["file"] for r in rows if r["ours_ok"] and not r["zxing_ok"]]
    print(f"read by ZXing-C++ only: {len(only_zx)} {' '.join(only_zx[:20])}")
    print(f"read by leadcap only:   {len(only_us)} {' '.join(only_us[:20])}")
    target = ours_ok >= zx_ok and med([r["ours_ms"] for r in rows]) <= 2 * med([r["zxing_ms"] for r in rows])
    print(f"target (reads >= ZXing-C++, median <= 2x ZXing-C++): {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
