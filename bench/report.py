"""Numbers to text: latency percentiles, the printed table and the JSON file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


def latency(samples_ns: Sequence[int]) -> dict[str, float]:
    """Percentiles and mean of latencies measured in nanoseconds, in microseconds."""
    us = np.asarray(samples_ns, dtype=np.float64) / 1000
    if us.size == 0:
        return {"n": 0}
    return {
        "n": int(us.size),
        "p50_us": round(float(np.percentile(us, 50)), 1),
        "p90_us": round(float(np.percentile(us, 90)), 1),
        "p99_us": round(float(np.percentile(us, 99)), 1),
        "mean_us": round(float(us.mean()), 1),
    }


def fmt_us(value: float) -> str:
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"


def fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}×"


@dataclass
class Row:
    """One line of the table: our figure, the baseline's, and their ratio."""

    measure: str
    ours: str
    baseline: str = ""
    ratio: str = ""


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


HEADER = Row("Measure", "Ours", "Naive baseline", "Ratio")


def render(title: list[str], sections: list[Section]) -> str:
    """The sections as one fixed-width table, notes under each section."""
    rows = [HEADER] + [row for section in sections for row in section.rows]
    widths = [
        max(len(getattr(row, col)) for row in rows)
        for col in ("measure", "ours", "baseline", "ratio")
    ]

    def line(row: Row) -> str:
        cells = (row.measure, row.ours, row.baseline, row.ratio)
        left = cells[0].ljust(widths[0])
        rest = [
            cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)
        ]
        return "  ".join([left, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    out = [*title, "", line(HEADER), rule]
    for section in sections:
        out.append(section.title)
        out.extend(line(row) for row in section.rows)
        out.extend(f"    · {note}" for note in section.notes)
    return "\n".join(out)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
