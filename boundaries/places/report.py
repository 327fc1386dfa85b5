"""What a places import did, and the options it was given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """What an import did (or would do, on a dry run)."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (feature, reason)
    repaired: list[tuple[str, str]] = field(default_factory=list)
    source_crs: str = "EPSG:4326"

    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, reason in self.skipped:
            counts[reason] = counts.get(reason, 0) + 1
        return counts

    def as_text(self, *, limit: int = 10) -> str:
        lines = [
            f"{self.read} features read ({self.source_crs}): {self.added} added, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped, {self.removed} removed"
        ]
        for reason, count in sorted(self.skipped_by_reason().items()):
            lines.append(f"  skipped {count}: {reason}")
        for label, reason in self.skipped[:limit]:
            lines.append(f"    - {label}: {reason}")
        if self.repaired:
            lines.append(f"  repaired {len(self.repaired)}:")
            for label, repair in self.repaired[:limit]:
                lines.append(f"    - {label}: {repair}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Options:
    source: str | None = None  # else each feature's "source", else the file's stem
    licence: str | None = None  # else the file's "license"/"licence" member
    attribution: str | None = None  # else the file's "attribution" member
    kind_fields: Sequence[str] = ()
    replace: bool = False
    layer: str | None = None
    source_crs: str | None = None
