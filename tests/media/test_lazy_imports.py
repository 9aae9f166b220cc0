"""The PDF cleaner's library is loaded by the first PDF, not by every web worker at start (pikepdf and qpdf were
16 MB of each gunicorn worker's memory, which has a budget: bench/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_web_process_loads_the_pdf_cleaner_only_when_it_first_cleans_a_pdf(tmp_path):
    script = (
        "import sys\n"
        "from portal import create_app\n"
        "app = create_app()\n"
        "print('pikepdf' in sys.modules)\n"
        "from tests.samples import PDF_BYTES\n"
        "from portal.media.uploads import _clean\n"
        "with app.app_context():\n"
        "    cleaned, done = _clean(PDF_BYTES, 'application/pdf', 'a.pdf')\n"
        "print('pikepdf' in sys.modules, done)\n"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "PORTAL_INSTANCE_PATH": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True", "True"], done.stderr
