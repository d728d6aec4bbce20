"""Every benchmark in bench/ still starts: its --help runs (imports and arguments intact)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if "argparse" in p.read_text("utf-8"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_starts(script):
    result = subprocess.run([sys.executable, str(BENCH / script), "--help"], cwd=BENCH.parent,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage:" in result.stdout
