"""What an import found and did, for the command's output, the admin page and the log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImportReport:
    source: str
    sha256: str
    boundary_set: str
    commit: bool
    source_crs: str = ""
    features: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    repairs: dict[str, list[str]] = field(default_factory=dict)
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_text(self, limit: int = 10) -> str:
        mode = "COMMITTED" if self.commit and self.ok else "DRY RUN (nothing written)"
        if not self.ok:
            mode = "REFUSED (nothing written)"
        lines = [
            f"{self.source} → set '{self.boundary_set}' [{mode}]",
            f"  read {self.features} features (source CRS {self.source_crs or '?'})",
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
            for o in self.overlaps[:limit]:
                lines.append(
                    f"    {o['code_a']} ∩ {o['code_b']}: {o['area_m2']:,.0f} m² "
                    f"near ({o['lon']}, {o['lat']})"
                )
        if self.gaps:
            total = sum(g["area_m2"] for g in self.gaps)
            lines.append(
                f"  {len(self.gaps)} gaps between siblings, {total:,.0f} m² in all"
            )
            for g in self.gaps[:limit]:
                lines.append(
                    f"    under {g['parent']}: {g['area_m2']:,.0f} m² near ({g['lon']}, {g['lat']})"
                )
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  ERROR: {e}" for e in self.errors]
        return "\n".join(lines)
