"""Outlet metadata from an optional CSV the operator supplies.

Columns: ``outlet, domain, country, leaning, owner`` (only ``outlet`` is required).
storylens ships no ratings of its own: ``leaning`` is whatever the operator wrote.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

COLUMNS = ("outlet", "domain", "country", "leaning", "owner")


@dataclass(frozen=True)
class OutletInfo:
    outlet: str
    domain: str | None = None
    country: str | None = None
    leaning: str | None = None
    owner: str | None = None


def load_outlets(path: str | Path) -> dict[str, OutletInfo]:
    """Outlet name (lower case) -> its row; raises InputError saying which line is wrong."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "outlet" not in reader.fieldnames:
                raise InputError(
                    f"{path}: the first line must name the columns, at least 'outlet' "
                    f"(known: {', '.join(COLUMNS)})"
                )
            table: dict[str, OutletInfo] = {}
            for line, row in enumerate(reader, start=2):
                name = (row.get("outlet") or "").strip()
                if not name:
                    raise InputError(f"{path}:{line}: the 'outlet' column is empty")
                values = {k: (row.get(k) or "").strip() or None for k in COLUMNS[1:]}
                table[name.lower()] = OutletInfo(name, **values)
            return table
    except OSError as exc:
        raise InputError(f"cannot read the outlets file {path} ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8; save the CSV as UTF-8") from exc
