"""Python side of the embeddings rows: run inside a venv with sentence-transformers.

Prints one JSON line: import, load, first-embedding and 256-sentence batch times (seconds).
Usage: python py_embed.py THREADS SENTENCES_FILE [--cold]
"""
import json
import sys
import time

t0 = time.perf_counter()
threads = int(sys.argv[1])
import torch  # noqa: E402

torch.set_num_threads(threads)
from sentence_transformers import SentenceTransformer  # noqa: E402

t_import = time.perf_counter()
model = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2", device="cpu")
t_load = time.perf_counter()
model.encode(["hello world"])
t_first = time.perf_counter()
import sentence_transformers  # noqa: E402

out = {"versions": f"torch {torch.__version__}, sentence-transformers {sentence_transformers.__version__}",
       "import": t_import - t0, "load": t_load - t_import, "first": t_first - t0}
if "--cold" not in sys.argv:
    with open(sys.argv[2]) as f:
        sentences = [line.rstrip("\n") for line in f if line.strip()]
    model.encode(sentences, batch_size=len(sentences))  # warm-up
    best = None
    for _ in range(3):
        t = time.perf_counter()
        model.encode(sentences, batch_size=len(sentences))
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    out["batch"] = best
    out["n"] = len(sentences)
print(json.dumps(out))
