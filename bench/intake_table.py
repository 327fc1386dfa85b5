"""How the intake suite's results read: the printed table and its notes."""

from __future__ import annotations

import os
from typing import Any

from bench.report import Row, Section, fmt_int, fmt_ratio, fmt_us


def _rate(value: float) -> str:
    return f"{value:,.1f}/s"


def sections(results: dict[str, Any]) -> list[Section]:
    """The printed table, from the results."""
    setup = results["setup"]
    out = [
        _sustained_section(results["sustained"], setup),
        _retry_section(results["retry"], results["naive_retry"], results["replay"]),
    ]
    out[-1].notes.append(
        f"database {setup['database']} by {setup['made_from']} in "
        f"{setup['database_s']} s ({setup['reports_before']:,} reports in it), "
        f"server up after {setup['seconds']} s, dropped after; points in "
        f"{', '.join(setup['wards'])}; broker {setup['broker']} (Celery messages "
        "queued, never delivered: "
        f"{results['database_after']['notifications_pending']:,} outbox rows pending "
        f"for {results['database_after']['reports']:,} reports); load average "
        f"{results['load_average_start']} at start, {results['load_average_end']} "
        "at the end"
    )
    return out


def _cpu_row(label: str, ours: dict[str, Any], baseline: dict[str, Any]) -> Row:
    mine = ours["cpu"]["server_ms_per_submission"]
    theirs = baseline["cpu"]["server_ms_per_submission"]
    return Row(
        f"{label}server CPU per submission",
        f"{mine:.1f} ms",
        f"{theirs:.1f} ms",
        fmt_ratio(theirs / mine) if mine else "",
    )


def _shares(mode: dict[str, Any]) -> str:
    cpu = mode["cpu"]
    return (
        f"machine {cpu['machine_busy_share']:.0%} busy, this benchmark "
        f"{cpu['benchmark_share']:.0%} of it (client {cpu['client_s']:.1f} s CPU)"
    )


def _sustained_section(levels: list[dict[str, Any]], setup: dict[str, Any]) -> Section:
    section = Section(f"Sustained submissions, {setup['server']}")
    for level in levels:
        keyed, plain = level["keyed"], level["no_key"]
        c = level["clients"]
        section.rows.append(
            Row(
                f"  {c} clients: submissions/s (key vs no key)",
                _rate(keyed["submissions_per_s"]),
                _rate(plain["submissions_per_s"]),
                fmt_ratio(keyed["submissions_per_s"] / plain["submissions_per_s"]),
            )
        )
        for p in ("p50", "p99"):
            ours, theirs = keyed["latency"][f"{p}_us"], plain["latency"][f"{p}_us"]
            section.rows.append(
                Row(
                    f"  {c} clients: latency {p}",
                    fmt_us(ours),
                    fmt_us(theirs),
                    fmt_ratio(theirs / ours),
                )
            )
        section.rows.append(_cpu_row(f"  {c} clients: ", keyed, plain))
        section.notes.append(
            f"{c} clients: {fmt_int(keyed['submissions'])} keyed and "
            f"{fmt_int(plain['submissions'])} unkeyed submissions in "
            f"{keyed['seconds']:.0f} + {plain['seconds']:.0f} s; statuses "
            f"{keyed['statuses']} / {plain['statuses']}; {_shares(keyed)}; "
            "load average after each window "
            + ", ".join(
                str(w["load_average"]["after"][0])
                for w in keyed["windows"] + plain["windows"]
            )
        )
    keyed_ms = [level["keyed"]["cpu"]["server_ms_per_submission"] for level in levels]
    cores = os.cpu_count() or 1
    section.notes += [
        "baseline = the same submissions without an Idempotency-Key (the key's cost: "
        "one indexed lookup and a unique index); windows alternate key / no key; "
        "ratio = ours / baseline for submissions/s, baseline / ours for latency and "
        "CPU (1.00× = no cost)",
        "server CPU = gunicorn workers + their PostgreSQL sessions, from /proc; "
        f"with {cores} cores to itself the server would top out near "
        + " / ".join(f"{1000 * cores / ms:,.0f}/s" for ms in keyed_ms if ms)
        + " keyed submissions",
    ]
    return section


def _retry_section(
    keyed: dict[str, Any], naive: dict[str, Any], replay: dict[str, Any]
) -> Section:
    proof, naive_proof = keyed["proof"], naive["proof"]
    created, replayed = replay["latency_created"], replay["latency_replayed"]
    section = Section(
        f"Retries: {keyed['retry_share']:.0%} of submissions sent twice (replay, "
        "race, delay, dropped connection)"
    )
    section.rows += [
        Row(
            "  submissions/s (key vs no key)",
            _rate(keyed["submissions_per_s"]),
            _rate(naive["submissions_per_s"]),
            fmt_ratio(keyed["submissions_per_s"] / naive["submissions_per_s"]),
        ),
        _cpu_row("  ", keyed, naive),
        Row(
            "  reports lost (acknowledged, not stored)",
            fmt_int(proof["lost"]),
            fmt_int(naive_proof["lost"]),
        ),
        Row(
            "  reports duplicated (stored twice or more)",
            fmt_int(proof["duplicated"]),
            fmt_int(naive_proof["duplicated"]),
        ),
        Row(
            "  answers naming another report",
            fmt_int(proof["answers_naming_another_report"]),
            fmt_int(naive_proof["answers_naming_another_report"]),
        ),
    ]
    for p in ("p50", "p99"):
        key = f"{p}_us"
        if key in created and key in replayed:
            section.rows.append(
                Row(
                    f"  1 client: replay (200) vs create (201) {p}",
                    fmt_us(replayed[key]),
                    fmt_us(created[key]),
                    fmt_ratio(created[key] / replayed[key]),
                )
            )
    section.notes += [
        f"with keys: {proof['submissions']:,} submissions, {keyed['requests']:,} "
        f"requests ({keyed['retries']}); {proof['acknowledged']:,} acknowledged; "
        f"{proof['reports_stored']:,} reports stored for "
        f"{proof['distinct_submissions_stored']:,} submissions; "
        f"{proof['reports_by_key']:,} reports carry one of the "
        f"{proof['submissions']:,} keys ({proof['distinct_keys_stored']:,} distinct); "
        f"{proof['tokens_with_differing_codes']} keys answered with two codes; "
        f"{proof['assignments']:,} assignments and {proof['submitted_events']:,} "
        "'submitted' events",
        f"with keys: statuses {keyed['statuses']}; {_shares(keyed)}",
        f"without keys: {naive_proof['submissions']:,} submissions, "
        f"{naive_proof['reports_stored']:,} reports stored, statuses "
        f"{naive['statuses']}; {_shares(naive)}",
        f"replay vs create: one client for {replay['seconds']:.0f} s, each "
        f"submission sent again once answered ({created.get('n', 0)} creations, "
        f"{replayed.get('n', 0)} replays), so no queue in front of either; "
        "ratio = create / replay",
    ]
    return section
