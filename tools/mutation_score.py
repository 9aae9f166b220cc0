"""Print the mutation score of the last `mutmut run` (see `make mutation`): killed / total, and the survivors.

Reads mutmut's own export (mutants/mutmut-cicd-stats.json, written by `mutmut export-cicd-stats`) and lists the
surviving mutants by name; `mutmut show NAME` prints one's diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

STATS = Path("mutants/mutmut-cicd-stats.json")
MUTMUT = str(Path(sys.executable).with_name("mutmut"))


def main() -> int:
    subprocess.run([MUTMUT, "export-cicd-stats"], check=True, capture_output=True)
    stats = json.loads(STATS.read_text())
    killed = stats["killed"] + stats.get("timeout", 0)
    total = stats["total"] - stats.get("skipped", 0)
    results = subprocess.run([MUTMUT, "results"], capture_output=True, text=True, check=True)
    survivors = [line.strip() for line in results.stdout.splitlines() if line.strip().endswith(": survived")]
    print("\n".join(survivors))
    print(f"mutation score: {killed} killed / {total} mutants = {100 * killed / max(total, 1):.1f}%", end="")
    print(f" ({stats['survived']} survived, {stats.get('no_tests', 0)} without tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
