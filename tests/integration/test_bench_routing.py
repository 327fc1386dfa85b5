"""The routing benchmark in its smallest configuration, so its code cannot rot."""

from __future__ import annotations

import pytest

from bench import routing
from bench.report import render
from routing.models import Report, ResponsibilityZone

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def smoke_sizes() -> dict:
    return dict(routing.SMOKE)


def test_the_routing_suite_runs_and_ours_agrees_with_every_baseline(smoke_sizes):
    """2,000 reports, 10 zones and 200 decisions: each measure is there, the service
    and the naive baselines give the same answers, and nothing is left behind."""
    zones_before = ResponsibilityZone.objects.count()
    results = routing.run(n=smoke_sizes)

    decision = results["decision"]
    assert decision["decisions"] == 200
    for name in ("route_decide", "naive_orm"):
        assert decision["latency"][name]["p50_us"] > 0
    agreement = decision["agreement"]
    assert agreement["compared"] > 150
    assert agreement["differ_strictly_inside"] == 0
    assert agreement["same_unit"] == agreement["compared"]

    assert results["seed"]["reports"] == 2_000
    assert results["seed"]["zones"] == {
        "published": 10,
        "drafts": 2,
        "seconds": results["seed"]["zones"]["seconds"],
    }
    impact = results["impact"]
    assert impact["reports"] == 2_000
    assert impact["seed_check"]["reports"] == 500
    assert impact["seed_check"]["open_changed"] == 0
    assert impact["seed_check"]["past_changed"] == 0
    assert impact["naive"]["mode"] == "measured"
    assert impact["agree"] is True
    assert impact["sample"]["agree"] is True
    assert impact["ours"]["open_total"] + impact["ours"]["past_total"] == 2_000
    assert impact["ours"]["plan"]

    reroute = results["reroute"]
    assert reroute["naive"]["reports"] == 100
    assert reroute["agreement"]["differ"] == 0
    assert reroute["agreement"]["one_current_assignment"] is True
    assert reroute["ours"]["moved"] == impact["ours"]["open_changed"]

    table = render(["smoke"], routing.sections(results))
    assert "route_decide p50" in table
    assert "impact_preview" in table
    assert "reports_reroute" in table

    # The suite's transaction was rolled back inside the test's.
    assert not Report.objects.exists()
    assert ResponsibilityZone.objects.count() == zones_before
