"""Print one closing line totalling every JUnit report given: 'N passed, N failed, N skipped'.

CI's last line must be a test summary with counts, whatever ran before it.
A report that is missing or unreadable counts as a failure: a suite that
crashed before writing its report must not look like a clean run.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET  # noqa: S405 (our own pytest's reports)
from pathlib import Path


def count(path: Path) -> tuple[int, int, int]:
    root = ET.parse(path).getroot()  # noqa: S314
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    passed = failed = skipped = 0
    for suite in suites:
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        passed += tests - bad - skip
        failed += bad
        skipped += skip
    return passed, failed, skipped


def main(args: list[str]) -> int:
    """``total.py [--status N] report.xml ...``: N is the run's status so far (non-zero fails)."""
    status = 0
    if args[:1] == ["--status"]:
        status, args = int(args[1]), args[2:]
    paths = args
    passed = failed = skipped = 0
    for name in paths:
        path = Path(name)
        try:
            p, f, s = count(path)
        except (OSError, ET.ParseError) as exc:
            print(f"{name}: no readable report ({exc})")
            failed += 1
            continue
        print(f"{path.stem}: {p} passed, {f} failed, {s} skipped")
        passed, failed, skipped = passed + p, failed + f, skipped + s
    if not paths:
        failed += 1
    # The run's last line: a test summary with counts, as pytest writes its own.
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or status else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
