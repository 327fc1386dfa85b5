"""What an import found and did, for the command's output, the admin page and the log.

Every problem of a file is a :class:`Finding`, all of them gathered in one pass so
that a dry run tells everything at once: its kind (a stable word for tools), how
serious (an error refuses the import, a warning says what the import will do about
it, an information measures), and the features it names, by row, code and name,
with a representative point (``PointOnSurface``) to find them on a map.
``--report FILE.json`` writes :meth:`ImportReport.as_dict` for tools.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass
class Finding:
    kind: str
    severity: str
    message: str
    rows: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    lon: float | None = None
    lat: float | None = None
    area_m2: float | None = None
    identical: bool | None = None  # duplicate codes: whether the geometries are equal

    def as_text(self) -> str:
        where = f" at ({self.lon}, {self.lat})" if self.lon is not None else ""
        return f"{self.message}{where}"


@dataclass
class ImportReport:
    source: str
    sha256: str
    boundary_set: str
    commit: bool
    source_crs: str = ""
    jurisdiction: str = ""
    features: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    repairs: dict[str, list[str]] = field(default_factory=dict)
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, finding: Finding) -> None:
        """Record ``finding``; an error's or a warning's message is also listed in
        ``errors`` or ``warnings``."""
        self.findings.append(asdict(finding))
        if finding.severity == ERROR:
            self.errors.append(finding.message)
        elif finding.severity == WARNING:
            self.warnings.append(finding.message)

    def error(self, kind: str, message: str, **where: Any) -> None:
        self.add(Finding(kind, ERROR, message, **where))

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["kind"] == kind]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write_json(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )

    def as_text(self, limit: int = 10) -> str:
        mode = "COMMITTED" if self.commit and self.ok else "DRY RUN (nothing written)"
        if not self.ok:
            mode = "REFUSED (nothing written)"
        lines = [
            f"{self.source} → set '{self.boundary_set}' [{mode}]",
            f"  read {self.features} features (source CRS {self.source_crs or '?'})"
            + (f", jurisdiction {self.jurisdiction}" if self.jurisdiction else ""),
            f"  created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, deleted {len(self.deleted)}",
        ]
        if self.deleted:
            lines.append(f"  deleted codes: {', '.join(self.deleted[:limit])}")
        for code, done in list(self.repairs.items())[:limit]:
            lines.append(f"  repaired {code}: {'; '.join(done)}")
        if self.overlaps:
            total = sum(o["area_m2"] for o in self.overlaps)
            lines.append(
                f"  {len(self.overlaps)} overlapping sibling pairs, {total:,.0f} m² in all"
            )
        if self.gaps:
            total = sum(g["area_m2"] for g in self.gaps)
            lines.append(
                f"  {len(self.gaps)} gaps between siblings, {total:,.0f} m² in all"
            )
        lines += self._findings_text(limit)
        return "\n".join(lines)

    def _findings_text(self, limit: int) -> list[str]:
        by_kind: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for f in self.findings:
            by_kind[(f["severity"], f["kind"])].append(f)
        order = {ERROR: 0, WARNING: 1, INFO: 2}
        lines = []
        for (severity, kind), found in sorted(
            by_kind.items(), key=lambda item: (order[item[0][0]], item[0][1])
        ):
            lines.append(f"  {severity.upper()} {kind} ({len(found)}):")
            for f in found[:limit]:
                lines.append(f"    {Finding(**f).as_text()}")
            if len(found) > limit:
                lines.append(f"    … and {len(found) - limit} more (see --report)")
        return lines
