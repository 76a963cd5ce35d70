"""llama.cpp side of the generation rows: run inside a venv with llama-cpp-python.

Greedy-decodes N tokens after PROMPT from the same GGUF file hftutor uses, and prints one JSON line:
load time, prompt tokens and seconds, decoded tokens and seconds.
Usage: python llama_gen.py GGUF THREADS N_NEW PROMPT
"""
import json
import sys
import time

import numpy as np
import llama_cpp
from llama_cpp import Llama

gguf, threads, n_new, prompt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
t0 = time.perf_counter()
llm = Llama(model_path=gguf, n_threads=threads, n_threads_batch=threads, n_ctx=1024, n_batch=512, verbose=False)
t_load = time.perf_counter() - t0
tokens = llm.tokenize(prompt.encode(), add_bos=True)
t = time.perf_counter()
llm.eval(tokens)
t_prompt = time.perf_counter() - t
eos = llm.token_eos()
t = time.perf_counter()
produced = 0
for _ in range(n_new):
    tok = int(np.argmax(llm.scores[llm.n_tokens - 1]))
    if tok == eos:
        break
    llm.eval([tok])
    produced += 1
t_decode = time.perf_counter() - t
print(json.dumps({"version": f"llama-cpp-python {llama_cpp.__version__}", "load": t_load, "prompt_tokens": len(tokens), "prompt_s": t_prompt,
                  "decoded": produced, "decode_s": t_decode}))
