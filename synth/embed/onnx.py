"""`--model fast`: the default MiniLM exported once to ONNX, int8-quantised, run with onnxruntime.

Why not sentence-transformers' own `backend="onnx"`: it needs `optimum`, whose
current release pins transformers below 5 and would downgrade the transformers
that sentence-transformers 6 runs on. The export here is the same recipe done
with torch's ONNX exporter and `onnxruntime.quantization.quantize_dynamic`
(int8 weights), once, into `<models_dir>/fast-all-MiniLM-L6-v2-int8/`. At run
time only onnxruntime and `tokenizers` are imported (no torch), texts are
tokenised as sentence-transformers does (its max_seq_length, truncation), and
vectors are mean-pooled over the attention mask and L2-normalised, as the
model's own pooling config says.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from synth.embed.models import DEFAULT_MODEL, default_model_path, normalise, quiet_model_loading
from synth.errors import ModelError

log = logging.getLogger(__name__)

FAST_MODEL = "fast"
FAST_DIR = "fast-all-MiniLM-L6-v2-int8"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class FastEmbedder:
    """int8 ONNX MiniLM: exported on first use (~15-30 s), then loaded from the per-user models folder.

    Texts go through one at a time by default. Dynamic int8 quantisation picks
    each activation's scale from the whole input tensor, so in a batch a text's
    vector would depend on its neighbours and their padding (measured: cosine
    0.93-0.99 between the same text alone and in a batch of three). Alone, a
    text always gets the same vector, whatever else the run or the cache holds;
    on 500 Banking77 texts batch 1 cost 12.0 s against 8.9 s for batch 64 and
    35 s for MiniLM under torch (shared machine, load 11-13).

    One text is too small a tensor for onnxruntime's intra-op threads to pay: on 2,000 Banking77
    texts at load 3.5 the default session (one thread per core) took 20.1 s, a session on one
    thread 9.4 s, with identical vectors. So each session runs on one thread and the texts are
    shared among `workers` threads calling the same session (onnxruntime's `run` is thread-safe and
    releases the GIL); every vector still comes from its text alone, so the result does not depend
    on how the texts were shared out.
    """

    def __init__(self, models_dir: Path, *, batch_size: int = 1, workers: int | None = None) -> None:
        self.path = Path(models_dir) / FAST_DIR
        self.model_id = f"{FAST_MODEL}:{DEFAULT_MODEL}-int8"
        self.resolved_path = str(self.path)
        self.batch_size = batch_size
        self.workers = workers or _cores()
        self._session: Any = None  # onnxruntime.InferenceSession once loaded
        self._tokenizer: Any = None  # tokenizers.Tokenizer once loaded

    @property
    def dim(self) -> int:
        self._load()
        return int(self._dim)

    def _load(self) -> None:
        if self._session is not None:
            return
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError:
            raise ModelError("the fast model needs onnxruntime", hint="pip install onnxruntime onnx") from None
        if not (self.path / "model.onnx").exists():
            export_fast_model(self.path)
        config = json.loads((self.path / "synth_fast.json").read_text())
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = options.inter_op_num_threads = 1  # see the class docstring
        self._session = onnxruntime.InferenceSession(str(self.path / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
        self._tokenizer.enable_padding(pad_id=int(config["pad_id"]), pad_token=config["pad_token"])
        self._dim = int(config["dim"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self._load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))  # pad each batch to its own texts
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]

        def encode_rows(rows: list[int]) -> None:
            out[rows] = self._encode_batch([texts[i] for i in rows])

        if self.workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                for _ in pool.map(encode_rows, batches):
                    pass
        else:
            for rows in batches:
                encode_rows(rows)
        return normalise(out)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self._session.run(None, feeds)[0]
        mask = feeds["attention_mask"][:, :, None].astype(np.float32)
        return (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)


def _cores() -> int:
    """The cores this process may run on (affinity, where the platform tells), at most 8."""
    try:
        return max(1, min(8, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(8, os.cpu_count() or 1))


def export_fast_model(target: Path) -> None:
    """Export the packaged MiniLM to int8 ONNX in a temporary folder, then move it into place."""
    log.info("exporting %s to int8 ONNX into %s (once)", DEFAULT_MODEL, target)
    source = Path(default_model_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
        work = Path(tmp)
        dim, pad_id, pad_token = _export_onnx(source, work / "full.onnx")
        _quantize(work / "full.onnx", work / "out" / "model.onnx")
        shutil.copy(source / "tokenizer.json", work / "out" / "tokenizer.json")
        settings = json.loads((source / "sentence_bert_config.json").read_text())
        config = {
            "source": DEFAULT_MODEL,
            "dim": dim,
            "pad_id": pad_id,
            "pad_token": pad_token,
            "max_seq_length": settings.get("max_seq_length", 256),
            "quantization": "dynamic int8 (QInt8)",
        }
        (work / "out" / "synth_fast.json").write_text(json.dumps(config, indent=2) + "\n")
        try:
            (work / "out").rename(target)
        except OSError:  # another run exported it meanwhile: theirs is the same model
            if not (target / "model.onnx").exists():
                raise


def _export_onnx(source: Path, onnx_path: Path) -> tuple[int, int, str]:
    quiet_model_loading()
    try:
        import torch
        from transformers import AutoModel, AutoTokenizer
    except ImportError:
        raise ModelError("exporting the fast model needs torch and transformers", hint="pip install sentence-transformers") from None
    bert = AutoModel.from_pretrained(str(source), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(source), local_files_only=True)

    class LastHidden(torch.nn.Module):
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shapes: about the export, not the user's data
        torch.onnx.export(
            LastHidden(bert),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(onnx_path),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    return int(bert.config.hidden_size), int(tokenizer.pad_token_id), str(tokenizer.pad_token)


def _quantize(full: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(full), str(out), weight_type=QuantType.QInt8)
