"""``reclmms chat`` in a real process: Ctrl-C at the prompt ends it at once ("interrupted", exit code 130), with
its input a pipe or a terminal, and the end of the input (Ctrl-D) ends it cleanly (exit code 0)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROMPT = b"> "


def _spawn(store: str, session: str, stdin: int, stdout: int, stderr: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "reclmms.cli", "--config", store, "chat", "--backend", "scripted", "--session", session],
        cwd=ROOT, env={k: v for k, v in os.environ.items() if not k.startswith("RECLMMS_")},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # also when the tests run in the background
        stdin=stdin, stdout=stdout, stderr=stderr,
    )


def _read_until(fd: int, marker: bytes, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> bytes:
    """What ``fd`` gives until it ends with ``marker`` (the prompt, waiting for a line)."""
    got = b""
    deadline = time.monotonic() + timeout_s
    while not got.endswith(marker):
        assert proc.poll() is None and time.monotonic() < deadline, (proc.returncode, got)
        if select.select([fd], [], [], 0.1)[0]:
            got += os.read(fd, 4096)
    return got


def _stopped_by_ctrl_c(proc: subprocess.Popen[bytes]) -> bytes:
    """Ctrl-C at the prompt: the process ends within seconds, with code 130; what it wrote on stderr after."""
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail("the chat went on waiting for a line after Ctrl-C")
    assert time.monotonic() - started < 10 and proc.returncode == 130
    assert proc.stderr is not None
    return proc.stderr.read()


def test_ctrl_c_at_the_prompt_of_piped_input_ends_the_chat(store: str) -> None:
    proc = _spawn(store, "int-pipe", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"/help\n")
    proc.stdin.flush()
    _read_until(proc.stdout.fileno(), b"leave\n" + PROMPT, proc)  # answered the line, waits for the next
    assert _stopped_by_ctrl_c(proc) == b"interrupted\n"  # no abort over the blocked reader at exit
    proc.stdin.close()
    proc.stdout.close()


def test_ctrl_c_at_the_prompt_of_a_terminal_ends_the_chat(store: str) -> None:
    terminal, side = pty.openpty()
    try:
        proc = _spawn(store, "int-tty", stdin=side, stdout=side, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        _read_until(proc.stderr.fileno(), PROMPT, proc)  # input() on a terminal prompts on stderr
        assert _stopped_by_ctrl_c(proc) == b"interrupted\n"
    finally:
        os.close(side)
        os.close(terminal)


def test_the_end_of_the_input_ends_the_chat(store: str) -> None:
    proc = _spawn(store, "int-eof", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(b"/customer O'Brien\n", timeout=120)  # then Ctrl-D
    assert proc.returncode == 0, err
    assert b"error: unknown customer: \"O'Brien\"" in out and out.endswith(b"\n" + PROMPT + b"\n")  # a new line after the last prompt
    assert err == b""
