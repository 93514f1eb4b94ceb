"""Runs the complete C programs of the guides in docs/, so they cannot rot.

    python3 c_examples.py <libdivert.so> <repository root> docs/c-abi.md ...

Every ```c block with an `int main(` is compiled as C99 against divert.h and
the library, run from the repository root, and its output compared with the
```text block that follows it (when there is one). Exits 1 on any failure.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)


def programs(markdown: str) -> list[tuple[str, str | None]]:
    """(C source, expected output or None) for each complete program."""
    blocks = [(m.group(1), m.group(2)) for m in BLOCK.finditer(markdown)]
    found = []
    for i, (language, body) in enumerate(blocks):
        if language == "c" and "int main(" in body:
            after = blocks[i + 1] if i + 1 < len(blocks) else None
            expected = after[1] if after is not None and after[0] == "text" else None
            found.append((body, expected))
    return found


def main() -> int:
    library, root = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    failures = checked = 0
    with tempfile.TemporaryDirectory() as scratch:
        for guide in sys.argv[3:]:
            for n, (source, expected) in enumerate(programs((root / guide).read_text(encoding="utf-8")), 1):
                name = f"{guide} program {n}"
                src = Path(scratch) / f"example{checked}.c"
                exe = Path(scratch) / f"example{checked}"
                src.write_text(source, encoding="utf-8")
                checked += 1
                build = subprocess.run(
                    ["cc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror",
                     f"-I{root / 'include'}", "-o", str(exe), str(src),
                     f"-L{library.parent}", "-ldivert", f"-Wl,-rpath,{library.parent}"],
                    capture_output=True, text=True)
                if build.returncode != 0:
                    print(f"FAIL {name}: does not compile\n{build.stderr}", file=sys.stderr)
                    failures += 1
                    continue
                run = subprocess.run([str(exe)], cwd=root, capture_output=True, text=True, timeout=120)
                if run.returncode != 0:
                    print(f"FAIL {name}: exit code {run.returncode}\n{run.stderr}", file=sys.stderr)
                    failures += 1
                elif expected is not None and run.stdout != expected:
                    print(f"FAIL {name}: printed\n{run.stdout}\nexpected\n{expected}", file=sys.stderr)
                    failures += 1
                else:
                    print(f"ok: {name}")
    print(f"{checked} C programs from the guides, {checked - failures} ran as documented")
    return 0 if checked > 0 and failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
