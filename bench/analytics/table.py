"""The analytics suite's printed table: ours beside the naive baseline, per stage."""

from __future__ import annotations

from typing import Any

from bench.report import Row, Section, fmt_int, fmt_ratio, fmt_us


def _pair(label: str, ours: dict[str, float], naive: dict[str, float], key: str) -> Row:
    return Row(
        label,
        fmt_us(ours[key]),
        fmt_us(naive[key]),
        fmt_ratio(naive[key] / ours[key]),
    )


def sections(results: dict[str, Any]) -> list[Section]:
    out = []
    for stage in results["stages"]:
        g, a = stage["generated"], stage["aggregate"]
        section = Section(
            f"{stage['reports']:,} reports over {results['sizes']['years']} years "
            f"(bulk load {g['load_seconds']} s = {g['reports_per_s']:,} reports/s, "
            f"+ {g['vacuum_seconds']} s VACUUM ANALYZE; cell × day "
            f"{fmt_int(a['rows'])} rows / {a['bytes'] / 2**20:.0f} MB, block × month "
            f"{fmt_int(a['rollup_rows'])} rows / {a['rollup_bytes'] / 2**20:.0f} MB, "
            f"reports {a['report_bytes'] / 2**20:.0f} MB; naive baselines "
            f"{stage['naive_repeats']} runs each)"
        )
        for key, r in stage["clusters"].items():
            for p in ("p50_us", "p99_us"):
                section.rows.append(
                    _pair(f"  clusters {key} {p[:3]}", r["ours"], r["naive"], p)
                )
            section.notes.append(
                f"clusters {key}: {r['mode']}, {r['features']} features, "
                f"{r['payload_bytes']:,} B JSON"
            )
        for key, r in stage["tiles"].items():
            section.rows.append(
                _pair(f"  vector tile {key} p50", r["ours"], r["naive"], "p50_us")
            )
            section.notes.append(f"tile {key}: at most {r['bytes']:,} B")
        _rest(section, stage)
        out.append(section)
    return out


def _rest(section: Section, stage: dict[str, Any]) -> None:
    """The rows of the parts after clusters and tiles, those that were measured."""
    if "hotspots" in stage:
        h = stage["hotspots"]
        section.rows.append(
            _pair("  hot spots, 12 months, H3 r8", h["ours"], h["naive"], "p50_us")
        )
        section.rows.append(
            Row(
                "  hot spots, 10 years, H3 r8",
                fmt_us(stage["hotspots_all"]["ours"]["p50_us"]),
            )
        )
        section.notes.append(
            f"hot spots: {h['cells']} hexagons in the study area, "
            f"{h['significant']} significant after FDR"
        )
    for key, r in stage.get("stats", {}).items():
        section.rows.append(
            _pair(f"  stats {key} (whole answer)", r["ours"], r["naive"], "p50_us")
        )
        section.rows.append(
            Row(
                f"    exact median/p90 from raw rows {key}",
                "",
                fmt_us(r["times"]["p50_us"]),
            )
        )
        section.notes.append(
            f"stats {key}: median {r['median_h'][0]} h (exact "
            f"{r['median_h'][1]:.2f}), p90 {r['p90_h'][0]} h (exact "
            f"{r['p90_h'][1]:.2f})"
        )
    if "triggers" in stage:
        t = stage["triggers"]
        section.rows.append(
            Row(
                "  UPDATE 100k reports: triggers / none",
                f"{t['with']:.2f} s",
                f"{t['without']:.2f} s",
                fmt_ratio(t["with"] / t["without"]),
            )
        )
    if "rebuild_s" in stage:
        section.rows.append(Row("  analytics_rebuild", f"{stage['rebuild_s']} s"))
    section.notes.append(f"bulk load steps (s): {stage['generated']['steps']}")
