"""Typed errors raised by storylens.

Library code raises these; only the CLI and the web layer turn them into
messages and exit codes. Every message says how to fix the problem.

    StorylensError
    ├── ModelError            a model package is missing, corrupt or the wrong version
    ├── InputError            an input cannot be read at all (missing path, bad option)
    │   └── RejectedInput     one article was refused; carries a machine-readable reason
    ├── StoreError            the article store cannot be opened or migrated
    ├── VectorSpaceError      vectors of two different embedders would be compared
    ├── FetchError            a URL or feed could not be fetched (or was refused)
    │   └── AddressRefused    the URL resolves to a private, loopback or link-local address
    ├── ReportError           a report could not be built or rendered
    ├── RecordError           a stored analysis record cannot be read (it is made again)
    ├── WorkerError           a worker process of a --jobs run died (out of memory, a crash)
    └── MissingDependency     an optional package (pyarrow, pandas...) is not installed
"""

from __future__ import annotations


class StorylensError(Exception):
    """Base class for every error storylens raises on purpose."""


class ModelError(StorylensError):
    """A model package is missing or its files do not match the pinned hashes."""


class InputError(StorylensError):
    """An input path or option cannot be used at all."""


class RejectedInput(InputError):
    """One article was refused; ``reason`` is a short code such as ``empty`` or ``binary``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class StoreError(StorylensError):
    """The store cannot be opened, migrated or written."""


class VectorSpaceError(StorylensError):
    """Vectors made by two different embedders would be compared (a store or clusterer mixes them)."""


class FetchError(StorylensError):
    """A URL or feed could not be fetched."""


class AddressRefused(FetchError):
    """A URL points at an address storylens will not connect to by default."""


class ReportError(StorylensError):
    """A comparison report could not be built or rendered."""


class RecordError(StorylensError):
    """An analysis record is of another format, damaged, or made for another text."""


class WorkerError(StorylensError):
    """A worker process of a parallel run died; the run was stopped, not left hanging."""


class MissingDependency(StorylensError):
    """An optional package a feature needs is not installed; the message has the pip line."""


__all__ = [
    "AddressRefused",
    "FetchError",
    "InputError",
    "MissingDependency",
    "ModelError",
    "RejectedInput",
    "ReportError",
    "StoreError",
    "StorylensError",
    "VectorSpaceError",
    "WorkerError",
]
