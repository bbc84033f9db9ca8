"""Memory and throughput of ``client.files.upload`` for large files.

Starts the emulator in a separate process (``python -m genlang_async.emulator --port 0
--no-store-uploads``: uploads are hashed, not kept), makes a sparse temp file per size, and
uploads each in a fresh client process that reports its throughput and its peak RSS growth
(``VmHWM`` after the upload minus ``VmRSS`` before it, from ``/proc/self/status``; falls back
to ``getrusage``). Growth should stay under ``--max-growth-mib`` and flat in the file size.

    python benchmarks/upload_rss.py                      # 64 and 256 MiB
    python benchmarks/upload_rss.py --sizes-mib 1024 --chunk-mib 16

The exit status is 1 when an upload fails or the growth exceeds the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

MIB = 1024 * 1024


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mib() -> float:
    kib = _status_kib("VmRSS")
    if kib is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return kib / 1024


def peak_rss_mib() -> float:
    kib = _status_kib("VmHWM")
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib / 1024


def reset_peak() -> bool:
    """Reset ``VmHWM`` to the current RSS (Linux: ``clear_refs`` value 5), if allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def zeros_sha256(size: int) -> str:
    """sha256 of ``size`` zero bytes (what a sparse file reads as), 1 MiB at a time."""
    digest = hashlib.sha256()
    block = bytes(MIB)
    for _ in range(size // MIB):
        digest.update(block)
    digest.update(bytes(size % MIB))
    return digest.hexdigest()


# --------------------------------------------------------------------------- client process


async def _child(url: str, path: str, chunk_size: int, warmup: str) -> dict[str, Any]:
    from genlang_async import Client

    async with Client(api_key="bench-key", base_url=url) as client:
        # Warm-up: imports, connection pool, buffers.
        await client.files.upload(
            warmup, mime_type="application/octet-stream", chunk_size=chunk_size
        )
        peak_reset = reset_peak()
        baseline = rss_mib()
        peak_before = peak_rss_mib()
        started = time.perf_counter()
        cpu = time.process_time()
        file = await client.files.upload(
            path, mime_type="application/octet-stream", chunk_size=chunk_size
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    assert file.sha256_hash is not None
    assert file.size_bytes is not None
    size = file.size_bytes
    return {
        "size_mib": size / MIB,
        "seconds": seconds,
        "throughput_mib_s": size / MIB / seconds,
        "peak_reset": peak_reset,
        "cpu_s": cpu,
        "baseline_rss_mib": baseline,
        "peak_before_mib": peak_before,
        "peak_rss_mib": peak_rss_mib(),
        "growth_mib": peak_rss_mib() - baseline,
        "size_bytes": file.size_bytes,
        "sha256": file.sha256_hash.decode(),
    }


def child_main(args: argparse.Namespace) -> int:
    result = asyncio.run(_child(args.url, args.path, args.chunk_mib * MIB, args.warmup))
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------- driver


def _sparse_file(folder: str, name: str, size: int) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes-mib", default="64,256", help="comma-separated file sizes")
    parser.add_argument("--chunk-mib", type=int, default=8, help="client chunk size")
    parser.add_argument(
        "--granularity-kib", type=int, default=8 * 1024, help="emulator chunk granularity"
    )
    parser.add_argument("--max-growth-mib", type=float, default=64.0)
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--warmup", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args)

    sizes = [int(float(s) * MIB) for s in args.sizes_mib.split(",") if s.strip()]
    emulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genlang_async.emulator",
            "--port",
            "0",
            "--no-store-uploads",
            "--chunk-granularity",
            str(args.granularity_kib * 1024),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    results: list[dict[str, Any]] = []
    failed = False
    try:
        assert emulator.stdout is not None
        url = emulator.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the emulator did not start (said {url!r})")
        with tempfile.TemporaryDirectory(prefix="genlang-upload-rss-") as folder:
            warmup = _sparse_file(folder, "warmup.bin", 2 * args.chunk_mib * MIB + 1)
            for size in sizes:
                path = _sparse_file(folder, f"sparse-{size}.bin", size)
                child = subprocess.run(
                    [
                        sys.executable,
                        os.path.abspath(__file__),
                        "--child",
                        "--url",
                        url,
                        "--path",
                        path,
                        "--warmup",
                        warmup,
                        "--chunk-mib",
                        str(args.chunk_mib),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                os.unlink(path)
                if child.returncode != 0:
                    print(child.stderr, file=sys.stderr)
                    failed = True
                    continue
                result = json.loads(child.stdout.strip().splitlines()[-1])
                result["sha256_ok"] = result["sha256"] == zeros_sha256(size)
                result["size_ok"] = result["size_bytes"] == size
                result["within_target"] = result["growth_mib"] < args.max_growth_mib
                failed |= not (
                    result["sha256_ok"] and result["size_ok"] and result["within_target"]
                )
                results.append(result)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        if emulator.stdout is not None:
            emulator.stdout.close()

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(
            f"chunk {args.chunk_mib} MiB, emulator granularity {args.granularity_kib} KiB, "
            f"target: peak RSS growth < {args.max_growth_mib:g} MiB"
        )
        print(
            f"{'size':>9} {'time':>7} {'MiB/s':>7} {'cpu':>6} {'base RSS':>9} "
            f"{'peak RSS':>9} {'growth':>8}  sha256  target"
        )
        for r in results:
            print(
                f"{r['size_mib']:>5.0f} MiB {r['seconds']:>6.2f}s {r['throughput_mib_s']:>7.0f} "
                f"{r['cpu_s']:>5.2f}s {r['baseline_rss_mib']:>5.1f} MiB "
                f"{r['peak_rss_mib']:>5.1f} MiB {r['growth_mib']:>4.1f} MiB  "
                f"{'ok' if r['sha256_ok'] else 'BAD':>6}  "
                f"{'ok' if r['within_target'] else 'MISSED'}"
            )
        if results and not all(r["peak_reset"] for r in results):
            print("(VmHWM could not be reset: growth includes the warm-up's peak)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
