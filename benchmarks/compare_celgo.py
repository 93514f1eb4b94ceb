#!/usr/bin/env python3
"""Compare divert's CEL engine with cel-go on the same expression, side by side.

Runs divert's Google Benchmark binary (<build-dir>/benchmarks/cel_eval_benchmark,
benchmark BM_EvalPeerExpression) and the cel-go peer program in
benchmarks/peers/celgo, interleaved (divert, cel-go, divert, cel-go, ...) so
both see the same machine load. Each run already reports a median over 5
repetitions; this script prints the median over all runs, the ratio
divert/cel-go and whether the target "divert <= 1/3 of cel-go's time" is met.

Usage (from the repository root):

    python3 benchmarks/compare_celgo.py [--build-dir build] [--repetitions 5] [--check]

Exit status: 0 on success (and with --check only if the target is met),
1 if --check is given and the target is not met, 2 on errors (for example a
missing divert benchmark binary). Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

DIVERT_BINARY = Path("benchmarks") / "cel_eval_benchmark"  # relative to --build-dir
DIVERT_FILTER = "BM_EvalPeerExpression"
CELGO_DIR = Path(__file__).resolve().parent / "peers" / "celgo"
FALLBACK_GO = Path("/usr/local/go/bin/go")
TIMEOUT_S = 600
NS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class CompareError(Exception):
    """A failure that ends the comparison with exit status 2."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cmd: list[str], cwd: Path | None = None) -> str:
    """Runs cmd and returns its stdout; raises CompareError if it fails."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise CompareError(f"could not run {' '.join(cmd)}: {e}") from e
    if proc.returncode != 0:
        raise CompareError(
            f"{' '.join(cmd)} exited with status {proc.returncode}:\n{proc.stderr.strip()}"
        )
    return proc.stdout


def parse_json(text: str, what: str) -> dict:
    """Parses the JSON object in text, skipping anything printed before it."""
    start = text.find("{")
    if start < 0:
        raise CompareError(f"no JSON in the output of {what}:\n{text.strip()[:2000]}")
    try:
        obj, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as e:
        raise CompareError(f"bad JSON from {what}: {e}") from e
    return obj


def find_go(explicit: str | None) -> str:
    """Returns the go command to use: --go, then go on PATH, then /usr/local/go/bin/go."""
    if explicit:
        return explicit
    found = shutil.which("go")
    if found:
        return found
    if FALLBACK_GO.exists():
        return str(FALLBACK_GO)
    raise CompareError("the go command was not found (install Go or pass --go PATH)")


def warn_if_unoptimized(build_dir: Path) -> None:
    """Warns when CMakeCache.txt says the build is not an optimized one."""
    cache = build_dir / "CMakeCache.txt"
    if not cache.is_file():
        return
    for line in cache.read_text(errors="replace").splitlines():
        if line.startswith("CMAKE_BUILD_TYPE:"):
            build_type = line.partition("=")[2].strip()
            if build_type.lower() not in ("release", "relwithdebinfo", "minsizerel"):
                log(
                    f"warning: {build_dir} has CMAKE_BUILD_TYPE={build_type or '(empty)'}; "
                    "use Release for meaningful numbers"
                )
            return


def run_divert(binary: Path, bench_filter: str) -> float:
    """Runs divert's benchmark once; returns the median real_time in ns/op."""
    out = run(
        [
            str(binary),
            f"--benchmark_filter={bench_filter}",
            "--benchmark_format=json",
            "--benchmark_repetitions=5",
            "--benchmark_report_aggregates_only=true",
        ]
    )
    report = parse_json(out, str(binary))
    benchmarks = report.get("benchmarks", [])
    for b in benchmarks:
        if b.get("error_occurred"):
            raise CompareError(f"{b.get('name')} failed: {b.get('error_message', '(no message)')}")
    medians = {
        b.get("run_name", b.get("name")): b
        for b in benchmarks
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median"
    }
    if not medians:
        names = sorted({b.get("name", "?") for b in benchmarks}) or ["(none)"]
        raise CompareError(
            f"no median aggregate for filter {bench_filter!r} in the output of {binary}; "
            f"benchmarks reported: {', '.join(names)}"
        )
    if len(medians) == 1:
        (median,) = medians.values()
    elif bench_filter in medians:
        median = medians[bench_filter]
    else:
        raise CompareError(
            f"filter {bench_filter!r} matched several benchmarks ({', '.join(sorted(medians))}); "
            "choose one with --divert-filter"
        )
    unit = median.get("time_unit", "ns")
    if unit not in NS_PER_UNIT:
        raise CompareError(f"unknown time_unit {unit!r} in the output of {binary}")
    return float(median["real_time"]) * NS_PER_UNIT[unit]


def build_celgo(go: str, out_dir: Path) -> Path:
    """Builds the cel-go peer program into out_dir and returns the binary's path."""
    exe = out_dir / ("celgo.exe" if os.name == "nt" else "celgo")
    log(f"building the cel-go peer in {CELGO_DIR} ...")
    run([go, "build", "-o", str(exe), "."], cwd=CELGO_DIR)
    return exe


def run_celgo(exe: Path, rows: int) -> dict:
    """Runs the cel-go peer once; returns its JSON result (ns_per_op is a median of 5)."""
    result = parse_json(run([str(exe), "-json", f"-rows={rows}"]), str(exe))
    if result.get("impl") != "cel-go" or "ns_per_op" not in result:
        raise CompareError(f"unexpected output from {exe}: {result}")
    return result


def compare(args: argparse.Namespace) -> int:
    build_dir = Path(args.build_dir).resolve()
    binary = build_dir / DIVERT_BINARY
    if not args.celgo_only:
        if not binary.is_file():
            raise CompareError(
                f"divert benchmark binary not found: {binary}\n"
                f"build it first, e.g.: cmake --build {args.build_dir} --target cel_eval_benchmark"
            )
        if not os.access(binary, os.X_OK):
            raise CompareError(f"divert benchmark binary is not executable: {binary}")
        warn_if_unoptimized(build_dir)
    go = find_go(args.go)

    divert_ns: list[float] = []
    celgo_ns: list[float] = []
    celgo_version = "?"
    with tempfile.TemporaryDirectory(prefix="celgo-") as tmp:
        exe = build_celgo(go, Path(tmp))
        for i in range(1, args.repetitions + 1):
            parts = [f"run {i}/{args.repetitions}:"]
            if not args.celgo_only:
                divert_ns.append(run_divert(binary, args.divert_filter))
                parts.append(f"divert {divert_ns[-1]:.2f} ns/op,")
            result = run_celgo(exe, args.celgo_rows)
            celgo_ns.append(float(result["ns_per_op"]))
            celgo_version = result.get("cel_go_version", "?")
            parts.append(f"cel-go {celgo_ns[-1]:.2f} ns/op")
            if not args.celgo_only:
                parts.append(f"(ratio {divert_ns[-1] / celgo_ns[-1]:.3f})")
            log(" ".join(parts))

    celgo = statistics.median(celgo_ns)
    print(f"cel-go {celgo_version}: {celgo:.1f} ns/op (median of {len(celgo_ns)} runs)")
    if args.celgo_only:
        return 0
    divert = statistics.median(divert_ns)
    ratio = divert / celgo
    met = ratio <= args.target
    print(f"divert: {divert:.1f} ns/op (median of {len(divert_ns)} runs)")
    print(
        f"divert {divert:.1f} ns/op, cel-go {celgo:.1f} ns/op, ratio {ratio:.3f} "
        f"(target <= {args.target:.3f}: {'met' if met else 'not met'})"
    )
    return 1 if args.check and not met else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Compare divert's CEL evaluation speed with cel-go's (divert/cel-go ratio)."
    )
    parser.add_argument(
        "--build-dir",
        default="build",
        help="divert CMake build directory, relative to the current directory (default: build)",
    )
    parser.add_argument(
        "--repetitions",
        type=int,
        default=5,
        help="interleaved runs of each side; medians over them are reported (default: 5)",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if the target is not met"
    )
    parser.add_argument(
        "--target",
        type=float,
        default=1 / 3,
        help="largest acceptable divert/cel-go time ratio (default: 1/3)",
    )
    parser.add_argument(
        "--celgo-rows",
        type=int,
        choices=range(1, 5),
        default=1,
        metavar="{1..4}",
        help="binding sets the cel-go peer rotates over (default: 1, the MOW,RU,150,2 row)",
    )
    parser.add_argument(
        "--divert-filter",
        default=DIVERT_FILTER,
        help=f"Google Benchmark filter for the divert side (default: {DIVERT_FILTER})",
    )
    parser.add_argument("--go", help="go command to build the cel-go peer with")
    parser.add_argument(
        "--celgo-only", action="store_true", help="only run the cel-go side (no divert binary needed)"
    )
    args = parser.parse_args()
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")
    if args.target <= 0:
        parser.error("--target must be positive")
    try:
        return compare(args)
    except CompareError as e:
        print(f"compare_celgo: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
