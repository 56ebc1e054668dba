#!/usr/bin/env python3
"""Compare leadcap's decoder with ZXing-C++ and ZBar on the same photos.

Usage: scripts/compare-decoders.py [-n 240] [--badges 36] [--size 1920x1080] [--dir DIR [--reuse]] [--json FILE]
                                  [--repeat 3] [--sequential]

1. Generates the synthetic fair-photo set with internal/cardgen (the same
   generator the tests and benchmarks use): -n QR card photos cycling
   through the degradations (clean, small, rotated, perspective, blur,
   motion, noise, dim, glare, heavy JPEG, mixed, and "shake": motion blur of
   1.6-3 modules, as a hand-held phone gives), plus --badges badge photos
   with Code 128, Code 39 and Data Matrix codes; and each file's luminance
   as PGM.
2. Decodes every image with leadcap (internal/cardgen/cmd/cardgen -decode),
   with ZXing-C++ 1.4 through python3-zxing-cpp (the same five formats
   leadcap reads), with ZBar through libzbar (ctypes) and `zbarimg --raw`.
3. Prints, per degradation and per symbology, how many images gave the
   text exactly as written, and median times.

Timing is CPU time of the process (user + system), not wall time, each
image decoded --repeat times (default 3) keeping the fastest, so that the
other processes of a busy machine skew the figures less. leadcap and
ZXing-C++ are timed alternately on each image (leadcap, ZXing-C++, leadcap,
ZXing-C++, ...; leadcap through `cardgen -serve`, which times one decode
per request inside its own process), so that a change in the machine's load
hits both alike; --sequential times all of leadcap's images first, as
before. The end-to-end ratio is printed as the ratio of the medians and as
the median of the per-image ratios, with the load average before and after.
leadcap's CPU time includes what Go's runtime does on other threads (the
garbage collector's idle-time workers run on any idle core): on an idle
2-core machine it came out 10-20% higher with GOMAXPROCS=2 than with 1,
on a loaded one not; GOMAXPROCS=1 in the environment times the decode on one
core, as ZXing-C++ runs. "end to end" is
from the file's bytes in memory to the codes: leadcap's DecodeBytes (its
own JPEG luma decoder), ZXing-C++ after OpenCV's cv2.imdecode straight to
grey (libjpeg-turbo). "codes only" starts from grey pixels already in
memory. zbarimg's wall time includes process start and file decoding.

Comparison tools only: nothing here is a runtime dependency of leadcap.
Debian: apt-get install python3-zxing-cpp python3-numpy python3-opencv zbar-tools
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
    import cv2
    import numpy as np
    import zxingcpp
except ImportError:
    # Debian installs the bindings for the system interpreter only.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("compare-decoders: needs python3-zxing-cpp, python3-numpy and python3-opencv")

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
        t0 = time.process_time()
        z.zbar_scan_image(self.scanner, img)
        dt = time.process_time() - t0
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


MATRIX = zxingcpp.BarcodeFormat.QRCode | zxingcpp.BarcodeFormat.DataMatrix | zxingcpp.BarcodeFormat.Aztec
LINEAR = zxingcpp.BarcodeFormat.Code128 | zxingcpp.BarcodeFormat.Code39


def zxing_read(grey):
    """ZXing-C++ with the five formats leadcap reads. Linear formats go in a
    second call without try_downscale: 1.4 aborts on an assertion
    (Result.cpp:140, lineCount() == 1) when it merges a Code 128 read at two
    scales."""
    return ([r.text for r in zxingcpp.read_barcodes(grey, formats=MATRIX)]
            + [r.text for r in zxingcpp.read_barcodes(grey, formats=LINEAR, try_downscale=False)])


def fastest(repeat, f):
    """Runs f repeat times; returns its last result and the least CPU time in ms."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = f()
        best = min(best, (time.process_time() - t0) * 1000)
    return out, best


class Leadcap:
    """leadcap's decoder in a `cardgen -serve` process: one timed decode per call."""

    def __init__(self, binpath, work):
        self.p = subprocess.Popen([binpath, "-serve", work], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def once(self, mode, name):
        self.p.stdin.write(f"{mode} {name}\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            sys.exit(f"compare-decoders: cardgen -serve stopped at {mode} {name}")
        return json.loads(line)

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def alternate(repeat, ours, theirs):
    """Times ours (returns a cardgen -serve answer) and theirs (a Python
    function) alternately, repeat times each; returns the last answer of
    each with the least CPU ms of each."""
    best_ours, best_theirs, o, t = float("inf"), float("inf"), None, None
    for _ in range(repeat):
        o = ours()
        best_ours = min(best_ours, o["ms"])
        t0 = time.process_time()
        t = theirs()
        best_theirs = min(best_theirs, (time.process_time() - t0) * 1000)
    return o, best_ours, t, best_theirs


def zxing_e2e(data):
    grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    return zxing_read(grey)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=240, help="number of QR photos (default 240, 20 per degradation)")
    ap.add_argument("--badges", type=int, default=36, help="number of Code 128 / Code 39 / Data Matrix badge photos (default 36)")
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--dir", help="work folder (default: a temporary one)")
    ap.add_argument("--reuse", action="store_true",
                    help="with --dir: keep the images already there (same counts and --size) instead of generating them again")
    ap.add_argument("--json", help="also write per-image results to this file")
    ap.add_argument("--repeat", type=int, default=3,
                    help="decode each image this many times with each library and keep the fastest (filters out other load)")
    ap.add_argument("--sequential", action="store_true",
                    help="time all images with leadcap first, then with ZXing-C++ (the old way), instead of alternating per image")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    args.load = [os.getloadavg()]

    work = args.dir or tempfile.mkdtemp(prefix="leadcap-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        binpath = os.path.join(work, "cardgen")
        run(["go", "build", "-o", binpath, "./internal/cardgen/cmd/cardgen"])
        mpath = os.path.join(work, "manifest.json")
        if not (args.reuse and reusable(work, args.n + args.badges, args.size)):
            print(f"generating {args.n} + {args.badges} photos ({args.size}) in {work} ...", file=sys.stderr)
            run([binpath, "-out", work, "-n", str(args.n), "-badges", str(args.badges), "-size", args.size, "-pgm"])
        manifest = json.load(open(mpath, encoding="utf-8"))

        ours, server = {}, None
        if args.sequential:
            print("decoding with leadcap ...", file=sys.stderr)
            out = run([binpath, "-decode", work, "-repeat", str(args.repeat)], capture_output=True, text=True).stdout
            ours = {r["file"]: r for r in map(json.loads, out.splitlines())}
            print("decoding with ZXing-C++ and ZBar ...", file=sys.stderr)
        else:
            server = Leadcap(binpath, work)
            print("decoding with leadcap and ZXing-C++ alternately, then ZBar ...", file=sys.stderr)
        zbar = ZBar()
        have_zbarimg = shutil.which("zbarimg") is not None
        rows = []
        for e in manifest:
            name, payload = e["file"], e["payload"]
            with open(os.path.join(work, name), "rb") as f:
                data = f.read()
            arr = read_pgm(os.path.join(work, "pgm", os.path.splitext(name)[0] + ".pgm"))
            if server:
                o, o_e2e_ms, zx_e2e_texts, zx_e2e_ms = alternate(
                    args.repeat, lambda: server.once("e2e", name), lambda: zxing_e2e(data))
                _, o_ms, zx_texts, zx_ms = alternate(
                    args.repeat, lambda: server.once("codes", name), lambda: zxing_read(arr))
                ours[name] = {"ok": o["ok"], "ms": o_ms, "total_ms": o_e2e_ms, "error": o.get("error", "")}
            else:
                zx_texts, zx_ms = fastest(args.repeat, lambda: zxing_read(arr))
                zx_e2e_texts, zx_e2e_ms = fastest(args.repeat, lambda: zxing_e2e(data))
            zb_ms = float("inf")
            for _ in range(args.repeat):
                zb_texts, zb_dt = zbar.decode(arr)
                zb_ms = min(zb_ms, zb_dt * 1000)
            zbi_texts, zbi_ms = [], float("nan")
            if have_zbarimg:
                t0 = time.perf_counter()
                p = subprocess.run(["zbarimg", "--raw", "-q", os.path.join(work, name)], capture_output=True)
                zbi_ms = (time.perf_counter() - t0) * 1000
                zbi_texts = p.stdout.decode("utf-8", "replace").splitlines() if p.returncode == 0 else []
            o = ours[name]
            rows.append({
                "file": name, "degradation": e["degradation"], "symbology": e.get("symbology", "qr"), "encoding": e["encoding"],
                "ours_ok": o["ok"], "ours_ms": o["ms"], "ours_total_ms": o["total_ms"], "ours_error": o.get("error", ""),
                "zxing_ok": payload in zx_e2e_texts, "zxing_codes_ok": payload in zx_texts, "zxing_any": bool(zx_e2e_texts),
                "zxing_ms": zx_ms, "zxing_e2e_ms": zx_e2e_ms,
                "zbar_ok": payload in zb_texts, "zbar_any": bool(zb_texts), "zbar_ms": zb_ms,
                "zbarimg_ok": payload in "\n".join(zbi_texts), "zbarimg_any": bool(zbi_texts), "zbarimg_ms": zbi_ms,
            })
        if server:
            server.close()
        args.load.append(os.getloadavg())
        if args.json:
            json.dump(rows, open(args.json, "w"), indent=1)
        report(rows, args)
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


def report(rows, args):
    def med(xs):
        return statistics.median(xs) if xs else float("nan")

    how = "one decoder after the other" if args.sequential else "leadcap and ZXing-C++ alternately per image"
    la = lambda l: " ".join(f"{x:.2f}" for x in l)
    print(f"\n{len(rows)} synthetic fair photos, {args.size}; exact text match; CPU ms per image, median, "
          f"fastest of {args.repeat} runs, {how}; e2e = from the file's bytes, codes = from grey pixels")
    print(f"load average (1, 5, 15 min): before {la(args.load[0])}, after {la(args.load[-1])}; "
          f"leadcap's GOMAXPROCS {os.environ.get('GOMAXPROCS', 'unset (all cores)')}\n")
    hdr = (f"{'variant':<22} {'n':>4}  {'leadcap':>7} {'e2e':>6} {'codes':>6}  {'ZXing-C++':>9} {'e2e':>6} {'codes':>6}"
           f"  {'libzbar':>7} {'codes':>6}  {'zbarimg':>7}")
    print(hdr)
    print("-" * len(hdr))

    def line(label, rs):
        if not rs:
            return
        cnt = lambda k: f"{sum(r[k] for r in rs):>7}"
        print(f"{label:<22} {len(rs):>4}  {cnt('ours_ok')} {med([r['ours_total_ms'] for r in rs]):6.1f} {med([r['ours_ms'] for r in rs]):6.1f}  "
              f"{sum(r['zxing_ok'] for r in rs):>9} {med([r['zxing_e2e_ms'] for r in rs]):6.1f} {med([r['zxing_ms'] for r in rs]):6.1f}  "
              f"{cnt('zbar_ok')} {med([r['zbar_ms'] for r in rs]):6.1f}  {cnt('zbarimg_ok')}")

    qr = [r for r in rows if r["symbology"] == "qr"]
    badges = [r for r in rows if r["symbology"] != "qr"]
    for d in dict.fromkeys(r["degradation"] for r in qr):
        line(f"QR {d}", [r for r in qr if r["degradation"] == d])
    print("-" * len(hdr))
    line("QR all", qr)
    if badges:
        print("-" * len(hdr))
        for s in dict.fromkeys(r["symbology"] for r in badges):
            line(s, [r for r in badges if r["symbology"] == s])
        line("badges all", badges)
    print("-" * len(hdr))
    line("all", rows)
    ours_ok, zx_ok = sum(r["ours_ok"] for r in rows), sum(r["zxing_ok"] for r in rows)
    print(f"\nread: leadcap {ours_ok}/{len(rows)}, ZXing-C++ {zx_ok}/{len(rows)}, libzbar {sum(r['zbar_ok'] for r in rows)}/{len(rows)} "
          f"(found a code but wrong text: {sum(r['zbar_any'] and not r['zbar_ok'] for r in rows)}), "
          f"zbarimg --raw {sum(r['zbarimg_ok'] for r in rows)}/{len(rows)}")
    ratio = med([r["ours_total_ms"] for r in rows]) / med([r["zxing_e2e_ms"] for r in rows])
    ratios = sorted(r["ours_total_ms"] / r["zxing_e2e_ms"] for r in rows if r["zxing_e2e_ms"] > 0)
    both = [r for r in rows if r["ours_ok"] and r["zxing_ok"]]
    both_ratios = [r["ours_total_ms"] / r["zxing_e2e_ms"] for r in both if r["zxing_e2e_ms"] > 0]
    print(f"end to end, median: leadcap {med([r['ours_total_ms'] for r in rows]):.1f} ms, ZXing-C++ with OpenCV "
          f"{med([r['zxing_e2e_ms'] for r in rows]):.1f} ms: ratio of medians {ratio:.2f}, "
          f"median of per-image ratios {med(ratios):.2f}")
    print(f"  on the {len(both)} images both read: {med([r['ours_total_ms'] for r in both]):.1f} vs "
          f"{med([r['zxing_e2e_ms'] for r in both]):.1f} ms, ratio of medians "
          f"{med([r['ours_total_ms'] for r in both]) / med([r['zxing_e2e_ms'] for r in both]):.2f}, "
          f"median of per-image ratios {med(both_ratios):.2f}")
    only_zx = [r["file"] for r in rows if r["zxing_ok"] and not r["ours_ok"]]
    only_us = [r["file"] for r in rows if r["ours_ok"] and not r["zxing_ok"]]
    print(f"read by ZXing-C++ only: {len(only_zx)} {' '.join(only_zx[:20])}")
    print(f"read by leadcap only:   {len(only_us)} {' '.join(only_us[:20])}")
    target = ours_ok > zx_ok and ratio <= 1.25
    print(f"target (more read than ZXing-C++, end-to-end median <= 1.25x ZXing-C++'s): {'met' if target else 'NOT met'}"
          f" (ratio of medians {ratio:.2f}; median of per-image ratios {med(ratios):.2f})")


if __name__ == "__main__":
    main()
