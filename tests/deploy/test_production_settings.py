"""config.settings.production passes Django's deployment checklist."""

from __future__ import annotations

from tests.deploy.conftest import manage, production_env


def test_check_deploy_prints_no_warning(django_db_setup):
    """``manage.py check --deploy`` with the variables deploy/hientruong.env sets:
    no warning at all (``--fail-level WARNING`` fails on the first)."""
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr
