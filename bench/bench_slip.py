"""Queue slip size and encode time, native vs raster.

Run: .venv/bin/python bench/bench_slip.py [--runs N]
Serial lines carry 10 bits per byte (8N1), so send time = bytes * 10 / baud.
Target: native slip <= 1 KB (about 1 s at 9600 baud; raster is tens of seconds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hardware.printer import EncoderOptions, QueueSlip, default_notices, encode, slip_blocks

TARGET_NATIVE_BYTES = 1024
BAUDS = (9600, 115200)


def sample_slip() -> QueueSlip:
    return QueueSlip(
        center_name="金寨县花石乡便民服务中心",
        matter_name="城乡居民医疗保险参保登记",
        number="A017",
        waiting_ahead=12,
        estimated_wait_minutes=35,
        issued_at=datetime(2026, 11, 25, 9, 31, 5, tzinfo=ZoneInfo("Asia/Shanghai")),
        qr_url="https://yichuang.example/t/20261125-A017",
        notices=default_notices(),
        priority_label="优先办理",
        window_hint="1、2、3号综合窗口",
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(options: EncoderOptions, runs: int) -> tuple[int, list[float]]:
    blocks = slip_blocks(sample_slip())
    size = len(encode(blocks, options))  # also warms font and QR caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        encode(slip_blocks(sample_slip()), options)
        times.append(time.perf_counter() - started)
    return size, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="encodes per mode (raster uses a tenth)")
    args = parser.parse_args(argv)
    results = {}
    for name, options, runs in (
        ("native", EncoderOptions(), args.runs),
        ("raster", EncoderOptions(force_raster=True), max(args.runs // 10, 5)),
    ):
        size, times = measure(options, runs)
        results[name] = size
        sends = "  ".join(f"{baud} baud: {size * 10 / baud:7.2f} s" for baud in BAUDS)
        print(
            f"{name:7s} {size:7d} bytes   send at {sends}   "
            f"encode p50 {statistics.median(times) * 1000:7.2f} ms  p99 {percentile(times, 0.99) * 1000:7.2f} ms"
            f"  ({runs} runs)"
        )
    ok = results["native"] <= TARGET_NATIVE_BYTES
    print(f"target native <= {TARGET_NATIVE_BYTES} bytes: {'met' if ok else 'MISSED'} ({results['native']} bytes)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
