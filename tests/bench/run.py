#!/usr/bin/env python3
"""Benchmarks hftutor against Python (sentence-transformers) and llama.cpp in one run; prints a Markdown table.

Run by hand, never by `cargo test` (the machine must be quiet for the figures to mean anything):

    cargo build --release
    python3 tests/bench/run.py                 # 2 threads
    python3 tests/bench/run.py --threads 2,1 --repeats 5

Needs only the standard library. The other sides run in their own venvs (skipped, with the reason in
the table, when missing):
    BENCH_ST_PYTHON     python with sentence-transformers   (default /tmp/stvenv/bin/python)
    BENCH_LLAMA_PYTHON  python with llama-cpp-python        (default /tmp/llamavenv/bin/python)
    HFTUTOR_BIN         the hftutor binary                  (default target/release/hftutor)
All sides read the same weights from the Hugging Face cache, offline (HF_HUB_OFFLINE=1).
"Cold start" is a whole new process up to the first result, with the OS file cache warm.
hftutor's generation runs with HFTUTOR_WEIGHTS=native (the default: stored Q4_1 blocks, f32 activations) and f32.
hftutor's embeddings/s is (wall time for 256 inputs - wall time for 1 input) of the CLI with --json,
i.e. load subtracted; Python's is the best of 3 `encode` calls after a warm-up, batch size 256.
"""
import argparse
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("HFTUTOR_BIN", os.path.join(ROOT, "target", "release", "hftutor"))
ST_PY = os.environ.get("BENCH_ST_PYTHON", "/tmp/stvenv/bin/python")
LLAMA_PY = os.environ.get("BENCH_LLAMA_PYTHON", "/tmp/llamavenv/bin/python")
GGUF_GLOB = os.path.expanduser(
    "~/.cache/huggingface/hub/models--QuantFactory--SmolLM2-135M-Instruct-GGUF/snapshots/*/SmolLM2-135M-Instruct.Q4_1.gguf"
)
PROMPT = (
    "Here is a short story about a young programmer who builds a tiny robot. "
    "The robot can read books, water the plants in the garden, and tell jokes to the family cat. "
    "Every morning the programmer checks the robot's battery, fixes a loose wire, and writes a note "
    "in a notebook about what the robot learned the day before. One day the robot finds a strange "
    "map hidden inside an old library book, and the two of them decide to follow it. The story begins:"
)
NEW_TOKENS = 128
GEN_RE = re.compile(r"\[(\d+) tokens.*prompt ([\d.]+) tok/s, decode ([\d.]+) tok/s\]")


def run(cmd, env_extra=None):
    """Runs cmd; returns (wall seconds, peak RSS MB, stdout, stderr). Raises on failure."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env.update(env_extra or {})
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd
        t = time.perf_counter()
        p = subprocess.run(full, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:4])}... failed: {p.stderr[-500:]}")
        rss_kb = int(tf.read().strip().splitlines()[-1])
    return wall, rss_kb / 1024, p.stdout, p.stderr


def med(xs):
    return statistics.median(xs)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores (nproc), {model}{mem}, {platform.system()} {platform.release()}; load average {load}"


class Side:
    """One competitor: either works (self.ok) or carries the reason it was skipped."""

    def __init__(self, python, script):
        self.python, self.script = python, script
        self.reason = None if os.path.exists(python) else f"no {python}"
        self.version = ""


def bench_hftutor_embed(threads, repeats, sentences):
    base = [BIN, "pipeline", "feature-extraction", "--threads", str(threads), "--json"]
    cold, rss1 = [], []
    for _ in range(repeats):
        w, r, out, _ = run(base + ["hello world"])
        json.loads(out)
        cold.append(w)
        rss1.append(r)
    many, rss = [], []
    for _ in range(repeats):
        w, r, out, _ = run(base + sentences)
        assert len(json.loads(out)) == len(sentences)
        many.append(w)
        rss.append(r)
    batch = med(many) - med(cold)
    return {"cold": med(cold), "eps": len(sentences) / batch, "rss": max(rss)}


def bench_python_embed(side, threads, repeats, sentences_file):
    if side.reason:
        return None
    script = os.path.join(HERE, "py_embed.py")
    cold = []
    for _ in range(repeats):
        w, _, out, _ = run([side.python, script, str(threads), sentences_file, "--cold"])
        cold.append(w)
    _, rss, out, _ = run([side.python, script, str(threads), sentences_file])
    d = json.loads(out.strip().splitlines()[-1])
    side.version = d["versions"]
    return {"cold": med(cold), "eps": d["n"] / d["batch"], "rss": rss, "import": d["import"]}


def bench_hftutor_gen(threads, repeats, weights):
    env = {"HFTUTOR_WEIGHTS": weights}
    base = [BIN, "pipeline", "text-generation", "--threads", str(threads)]
    first = []
    for _ in range(repeats):
        w, _, _, _ = run(base + ["--max-new-tokens", "1", PROMPT], env)
        first.append(w)
    prompt, decode, rss, n = [], [], [], 0
    for _ in range(repeats):
        _, r, _, err = run(base + ["--max-new-tokens", str(NEW_TOKENS), PROMPT], env)
        m = GEN_RE.search(err)
        if not m:
            raise RuntimeError(f"no timing line in hftutor's stderr: {err[-300:]}")
        n = int(m.group(1))
        prompt.append(float(m.group(2)))
        decode.append(float(m.group(3)))
        rss.append(r)
    return {"first": med(first), "prompt": med(prompt), "decode": med(decode), "rss": max(rss), "n": n}


def bench_llama_gen(side, threads, repeats, gguf):
    if side.reason:
        return None
    script = os.path.join(HERE, "llama_gen.py")
    first = []
    for _ in range(repeats):
        w, _, _, _ = run([side.python, script, gguf, str(threads), "1", PROMPT])
        first.append(w)
    prompt, decode, rss, n = [], [], [], 0
    for _ in range(repeats):
        _, r, out, _ = run([side.python, script, gguf, str(threads), str(NEW_TOKENS), PROMPT])
        d = json.loads(out.strip().splitlines()[-1])
        side.version = d["version"]
        prompt.append(d["prompt_tokens"] / d["prompt_s"])
        decode.append(d["decoded"] / d["decode_s"])
        n = d["decoded"]
        rss.append(r)
    return {"first": med(first), "prompt": med(prompt), "decode": med(decode), "rss": max(rss), "n": n}


def fmt_s(x):
    return "—" if x is None else (f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s")


def fmt_n(x, unit=""):
    return "—" if x is None else f"{x:.1f}{unit}" if x < 100 else f"{x:.0f}{unit}"


def verdict(ratio, target):
    if ratio is None:
        return "—"
    return f"{ratio:.2f}× ({'met' if ratio >= target else 'missed'}; target ≥ {target:g}×)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="2", help="comma-separated thread counts, e.g. 2,1")
    ap.add_argument("--repeats", type=int, default=3, help="runs per measurement (median taken)")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"no hftutor binary at {BIN}: run `cargo build --release` first")
    ggufs = glob.glob(GGUF_GLOB)
    sentences_file = os.path.join(HERE, "sentences.txt")
    with open(sentences_file) as f:
        sentences = [line.rstrip("\n") for line in f if line.strip()]
    py = Side(ST_PY, "py_embed.py")
    llama = Side(LLAMA_PY, "llama_gen.py")
    if not ggufs:
        llama.reason = "SmolLM2 GGUF not in the HF cache"

    start_machine = machine()
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        print(f"[bench] {threads} thread(s): embeddings…", file=sys.stderr)
        he = bench_hftutor_embed(threads, args.repeats, sentences)
        try:
            pe = bench_python_embed(py, threads, args.repeats, sentences_file)
        except (RuntimeError, ValueError, KeyError) as e:
            py.reason, pe = f"failed: {e}", None
        rows.append(("cold start to first embedding", threads, fmt_s(he["cold"]), "—", fmt_s(pe and pe["cold"]), "—",
                     verdict(pe and pe["cold"] / he["cold"], 20)))
        rows.append(("embeddings/s, 256 short sentences batched", threads, fmt_n(he["eps"]), "—",
                     fmt_n(pe and pe["eps"]), "—", verdict(pe and he["eps"] / pe["eps"], 1.0)))
        rows.append(("peak RSS, embeddings", threads, f"{he['rss']:.0f} MB", "—",
                     "—" if not pe else f"{pe['rss']:.0f} MB", "—", ""))
        print(f"[bench] {threads} thread(s): generation…", file=sys.stderr)
        hg = {w: bench_hftutor_gen(threads, args.repeats, w) for w in ("native", "f32")}
        try:
            lg = bench_llama_gen(llama, threads, args.repeats, ggufs[0] if ggufs else "")
        except (RuntimeError, ValueError, KeyError) as e:
            llama.reason, lg = f"failed: {e}", None
        f, q = hg["native"], hg["f32"]
        rows.append(("SmolLM2 cold start to first token", threads, fmt_s(f["first"]), fmt_s(q["first"]), "—",
                     fmt_s(lg and lg["first"]), ""))
        rows.append((f"SmolLM2 prompt tok/s ({len(PROMPT.split())}-word prompt)", threads, fmt_n(f["prompt"]),
                     fmt_n(q["prompt"]), "—", fmt_n(lg and lg["prompt"]), ""))
        rows.append((f"SmolLM2 decode tok/s (greedy, {NEW_TOKENS} new)", threads, fmt_n(f["decode"]),
                     fmt_n(q["decode"]), "—", fmt_n(lg and lg["decode"]),
                     "native " + verdict(lg and f["decode"] / lg["decode"], 0.8)
                     + "; f32 " + verdict(lg and q["decode"] / lg["decode"], 0.8)))
        rows.append(("peak RSS, generation", threads, f"{f['rss']:.0f} MB", f"{q['rss']:.0f} MB", "—",
                     "—" if not lg else f"{lg['rss']:.0f} MB", ""))

    print(f"Machine: {start_machine}  ")
    print(f"At the end: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}  ")
    print(f"hftutor: {BIN}; Python: {py.version or py.reason}; llama.cpp: {llama.version or llama.reason}  ")
    print(f"Medians of {args.repeats} runs; ratios are hftutor ÷ the other side (cold start: Python ÷ hftutor).\n")
    print("| measurement | threads | hftutor (native, default) | hftutor (f32) | Python | llama.cpp | ratio vs target |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")


if __name__ == "__main__":
    main()
