"""Output that cannot be written: a full disk under stdout or ``--output`` is one line on stderr and exit
code 2 for every command, never a traceback; ``--output`` files are written whole or not at all; a
reader that goes away (``| head -1``) ends the command quietly.

The commands run as processes (``python -m reclmms``): what is checked is the process's exit code and
stderr, including what Python would print while flushing stdout at exit.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from reclmms.settings import Settings
from tests.core.conftest import CUSTOMER, write_config
from tests.recommend.synth import write_kaggle

ROOT = Path(__file__).resolve().parents[2]
FULL = Path("/dev/full")
NO_SPACE = "No space left on device"

pytestmark = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")}


def _run(args: list[str], *, stdout: object = subprocess.PIPE, stdin: str = "",
         fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # a file-size limit: writing past it fails with EFBIG, like a full disk
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "reclmms", *args], cwd=ROOT, env=_env(), input=stdin, stdout=stdout,
        stderr=subprocess.PIPE, text=True, timeout=300, preexec_fn=limit,
    )


def _one_error(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("warning: ")]
    assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def kaggle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kaggle(tmp_path_factory.mktemp("output_kaggle") / "hm")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output_batch") / "rows.csv"
    path.write_text("customer_id,as_of\n" + "".join(f"alice,2020-09-0{d}\n" for d in range(1, 10)), encoding="utf-8")
    return path


def _commands(store: str, kaggle: Path, batch: Path) -> list[tuple[list[str], str]]:
    """Every command that prints, in its usual forms, with what it reads on stdin."""
    config = ["--config", store]
    return [
        ([*config, "recommend", "--customer", CUSTOMER, "--json"], ""),
        ([*config, "recommend", "--customer", CUSTOMER], ""),
        (["recommend", "--batch", str(batch), "--data", str(kaggle)], ""),
        ([*config, "ask", "what did I buy?", "--customer", CUSTOMER, "--backend", "scripted"], ""),
        ([*config, "ask", "what did I buy?", "--customer", CUSTOMER, "--json", "--backend", "scripted"], ""),
        ([*config, "chat", "--customer", CUSTOMER, "--backend", "scripted", "--session", "full"], "what did I buy?\n"),
        ([*config, "stats"], ""),
        ([*config, "stats", "--json"], ""),
        ([*config, "link-code", CUSTOMER], ""),
        (["eval", "recs", "--data", str(kaggle)], ""),
    ]


def test_a_full_disk_under_stdout_is_one_line_for_every_command(store: str, kaggle: Path, batch: Path) -> None:
    for args, stdin in _commands(store, kaggle, batch):
        with FULL.open("w") as full:
            done = _run(args, stdout=full, stdin=stdin)
        assert _one_error(done) == f"error: cannot write to standard output: {NO_SPACE}", args


def test_a_full_disk_under_output_or_chart_is_one_line(store: str, kaggle: Path, batch: Path) -> None:
    for args in (
        ["--config", store, "recommend", "--customer", CUSTOMER, "--output", str(FULL)],
        ["recommend", "--batch", str(batch), "--data", str(kaggle), "--output", str(FULL)],
        ["--config", store, "stats", "--chart", str(FULL)],
    ):
        done = _run(args)
        assert _one_error(done) == f"error: cannot write {FULL}: {NO_SPACE}", args
        assert done.stdout == ""


def test_a_failed_output_leaves_the_file_as_it_was(kaggle: Path, batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "recs.jsonl"
    out.write_text("the last good run\n", encoding="utf-8")
    args = ["recommend", "--batch", str(batch), "--data", str(kaggle), "--output", str(out)]
    done = _run(args, fsize=2000)  # the batch's JSON lines are larger than that
    assert _one_error(done) == f"error: cannot write {out}: File too large"
    assert out.read_text(encoding="utf-8") == "the last good run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recs.jsonl"]  # no temporary file left
    fresh = tmp_path / "new.jsonl"
    assert _one_error(_run([*args[:-1], str(fresh)], fsize=2000)).endswith("File too large")
    assert not fresh.exists()
    done = _run(args)  # without the limit: written whole
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 9


def test_a_reader_that_goes_away_ends_the_command_quietly(store: str, kaggle: Path, batch: Path) -> None:
    for args, stdin in _commands(store, kaggle, batch)[:4]:
        process = subprocess.Popen(
            [sys.executable, "-m", "reclmms", *args], cwd=ROOT, env=_env(), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert process.stdout is not None and process.stdin is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before anything is written
        process.stdin.write(stdin)
        process.stdin.close()
        err = process.stderr.read()
        assert process.wait(timeout=300) == 0, err
        assert "Traceback" not in err and "Exception ignored" not in err and "error" not in err, err


def _close_stdout() -> None:  # `reclmms ... >&-`: the command starts with file descriptor 1 closed
    os.close(1)


def test_a_closed_stdout_is_one_line_for_every_command(store: str, kaggle: Path, batch: Path) -> None:
    helps = [["--help"], ["recommend", "--help"], ["eval", "recs", "--help"]]
    for args, stdin in [*_commands(store, kaggle, batch), *((h, "") for h in helps)]:
        done = subprocess.run(
            [sys.executable, "-m", "reclmms", *args], cwd=ROOT, env=_env(), input=stdin, stderr=subprocess.PIPE,
            text=True, timeout=300, preexec_fn=_close_stdout,
        )
        assert _one_error(done) == "error: cannot write to standard output: Bad file descriptor", args


def test_a_closed_stdout_under_search_is_one_line(demo_catalog: Settings, tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", demo_catalog.data_dir)
    for args in (["search", "red dress", "--k", "2"], ["search", "red dress", "--json"]):
        done = subprocess.run(
            [sys.executable, "-m", "reclmms", "--config", config, *args], cwd=ROOT, env=_env(),
            stderr=subprocess.PIPE, text=True, timeout=300, preexec_fn=_close_stdout,
        )
        assert _one_error(done) == "error: cannot write to standard output: Bad file descriptor", args


def test_a_closed_stdout_holds_no_file_of_the_command(kaggle: Path, tmp_path: Path) -> None:
    """What has nothing to print still succeeds; a file it opens never takes the closed descriptor 1."""
    out = tmp_path / "recs.json"
    done = subprocess.run(
        [sys.executable, "-c", "import os, sys; from reclmms.cli import main; code = main(sys.argv[1:]); "
         "print(os.readlink('/proc/self/fd/1'), file=sys.stderr); sys.exit(code)",
         "recommend", "--customer", "alice", "--data", str(kaggle), "--output", str(out)],
        cwd=ROOT, env=_env(), stderr=subprocess.PIPE, text=True, timeout=300, preexec_fn=_close_stdout,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == os.devnull
    assert '"customer_id": "alice"' in out.read_text(encoding="utf-8")
