"""One primary PostgreSQL cluster for the scale-out tests, built once per session
(initdb, migrate, the fixtures): the pgbouncer and replica tests run on it, never on
the shared test database, so what they commit stays there and goes with it."""

from __future__ import annotations

import shutil

import pytest

from tests.scaleout.processes import (
    PG_BINDIR,
    Cluster,
    database_build,
    need,
    private_folder,
)


@pytest.fixture(scope="session")
def primary():

    need(PG_BINDIR / "initdb", "PostgreSQL's initdb")
    folder = private_folder("ht-scaleout-")
    cluster = Cluster.primary(folder)
    try:
        database_build(cluster)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
