#!/usr/bin/env python3
"""The shell's speed: frame time on the built-in course and start-up to the first frame.

Run by hand on a quiet machine (run.py may call `main()` and print the two tables):

    cargo build --release
    python3 tests/bench/shell_bench.py                  # both parts
    python3 tests/bench/shell_bench.py --startup-only   # skip the cargo build of the frame test

(a) Frame time: runs `HFTUTOR_BENCH=1 cargo test --release --test shell frame_time` (every step of
    every lesson drawn 30 times on ratatui's TestBackend at 80x24 and 200x60) and prints its table.
(b) Start-up to first frame: spawns the release binary in a pseudo-terminal (Python's `pty`) of
    80x24 and 200x60, with a fresh HFTUTOR_HOME and HF_HUB_OFFLINE=1, and times from spawn to the
    first output holding the course title. The harness answers DA1 and cursor-position queries
    as a terminal would (a terminal that never answers costs the shell its query timeout).
Needs only the standard library. HFTUTOR_BIN picks the binary (default target/release/hftutor).
"""
import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("HFTUTOR_BIN", os.path.join(ROOT, "target", "release", "hftutor"))
TITLE = "Hugging Face, hands on"  # lessons/course.yaml
SIZES = [(80, 24), (200, 60)]
TARGET_FRAME_MS = 2.0
# The default start-up (the shell asks the terminal what pictures it can show), and one where
# HFTUTOR_GRAPHICS says it, so no query is made.
MODES = [("default", {}), ("HFTUTOR_GRAPHICS=halfblocks", {"HFTUTOR_GRAPHICS": "halfblocks"})]
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|_[^\x1b]*\x1b\\|[@-Z\\-_])")


def frame_table():
    """Runs the Rust frame-time test and returns its Markdown table lines."""
    env = dict(os.environ, HFTUTOR_BENCH="1")
    cmd = ["cargo", "test", "--release", "--quiet", "--test", "shell", "frame_time", "--", "--nocapture"]
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        return [f"frame test failed: {p.stderr.strip().splitlines()[-1:] or p.returncode}"]
    return [l for l in p.stdout.splitlines() if l.startswith("|")]


def answer_queries(fd, chunk):
    """Replies as a terminal would to what the shell asks (DA1, cursor position)."""
    if b"\x1b[c" in chunk or b"\x1b[0c" in chunk:
        os.write(fd, b"\x1b[?62;22c")
    if b"\x1b[6n" in chunk:
        os.write(fd, b"\x1b[1;1R")


def one_start(cols, rows, home, extra_env=None, timeout=20.0):
    """Seconds from spawn to the first output, and to the first output showing the title."""
    env = dict(os.environ, HFTUTOR_HOME=home, HF_HUB_OFFLINE="1", TERM="xterm-256color")
    env.update(extra_env or {})
    for k in ("TMUX", "TERM_PROGRAM", "KITTY_WINDOW_ID"):
        env.pop(k, None)
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become hftutor
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execve(BIN, [BIN], env)
    first_byte = title = None
    seen = b""
    try:
        while time.perf_counter() - started < timeout and title is None:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            now = time.perf_counter() - started
            first_byte = first_byte if first_byte is not None else now
            answer_queries(fd, chunk)
            seen += chunk
            text = ESCAPES.sub(b"", seen).decode("utf-8", "replace")
            if TITLE.replace(" ", "") in text.replace(" ", ""):
                title = now
    finally:
        try:
            os.write(fd, b"q")
        except OSError:
            pass
        deadline = time.time() + 3
        while time.time() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            try:
                os.read(fd, 65536) if select.select([fd], [], [], 0.05)[0] else None
            except OSError:
                pass
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return first_byte, title


def startup_table(repeats):
    lines = [
        "| terminal | runs | first byte ms (median) | first frame ms (median) | min | max |",
        "|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as home:
        one_start(80, 24, home)  # warm the file cache; progress file now exists, as for a student
        for (cols, rows), (how, extra) in [(s, m) for m in MODES for s in SIZES]:
            firsts, frames = [], []
            for _ in range(repeats):
                b, t = one_start(cols, rows, home, extra)
                if b is not None:
                    firsts.append(b * 1000)
                if t is not None:
                    frames.append(t * 1000)
            if not frames:
                lines.append(f"| {cols}x{rows} pty, {how} | {repeats} | - | title never shown | - | - |")
                continue
            lines.append(
                f"| {cols}x{rows} pty, {how} | {len(frames)} | {statistics.median(firsts):.1f} | "
                f"{statistics.median(frames):.1f} | {min(frames):.1f} | {max(frames):.1f} |"
            )
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--startup-only", action="store_true")
    args = ap.parse_args(argv)
    if not os.path.exists(BIN):
        sys.exit(f"no hftutor binary at {BIN}: run `cargo build --release` first")
    if not args.startup_only:
        print(f"## Shell frame time (TestBackend, release; target < {TARGET_FRAME_MS} ms)\n")
        print("\n".join(frame_table()))
        print()
    print("## Start-up to first frame (release binary in a pty)\n")
    print("\n".join(startup_table(args.repeats)))


if __name__ == "__main__":
    main()
