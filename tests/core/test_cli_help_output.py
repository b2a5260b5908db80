"""``reclmms --help`` (and a command's ``--help``) under a full disk: one line on stderr and exit code
2, as for any command's output, instead of exit code 0 with nothing said (argparse writes the help
itself and ignores a failed write). Run as processes, so that what Python does with stdout at exit
counts too. (``reclmms`` has no ``--version``.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FULL = Path("/dev/full")

pytestmark = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")


def reclmms(args: list[str], stdout: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}
    return subprocess.run([sys.executable, "-m", "reclmms", *args], cwd=ROOT, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["stats", "--help"], ["eval", "recs", "--help"]])
def test_help_under_a_full_disk_is_one_line_and_exit_code_2(args: list[str]) -> None:
    with FULL.open("w") as full:
        done = reclmms(args, full)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == ["error: cannot write to standard output: No space left on device"], done.stderr


def test_help_that_can_be_written_is_unchanged() -> None:
    done = reclmms(["--help"], subprocess.PIPE)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: reclmms") and "COMMAND" in done.stdout
