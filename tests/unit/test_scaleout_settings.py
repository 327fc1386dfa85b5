"""The scale-out settings built from the environment (config/settings/scaleout.py):
off unless asked for, and what each switch changes."""

from config.settings.scaleout import media_storage, pooled, replica, storages

PRIMARY = {
    "NAME": "hientruong",
    "HOST": "10.0.0.1",
    "CONN_MAX_AGE": 60,
    "CONN_HEALTH_CHECKS": True,
    "OPTIONS": {"options": "-c jit=off"},
}


def test_nothing_changes_without_the_variables():
    """No bucket: photos on the filesystem; no pool, no replica: the primary as is."""
    assert media_storage({})["BACKEND"].endswith("FileSystemStorage")
    assert set(storages({})) == {"default", "staticfiles"}
    database = {**PRIMARY, "OPTIONS": dict(PRIMARY["OPTIONS"])}
    pooled(database, {})
    assert database == PRIMARY
    assert replica(PRIMARY, {}) is None


def test_a_bucket_makes_photos_private_objects_read_by_signed_urls():
    """The bucket's objects get no ACL, are never overwritten, and are read through
    signed URLs of MEDIA_S3_URL_SECONDS; an endpoint means path-style addresses."""
    storage = media_storage(
        {
            "MEDIA_S3_BUCKET": "anh-phan-anh",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.vn",
            "MEDIA_S3_URL_SECONDS": "120",
            "MEDIA_S3_PREFIX": "/qb/",
        }
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "anh-phan-anh"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 120
    assert options["file_overwrite"] is False
    assert options["addressing_style"] == "path"
    assert options["location"] == "qb"
    assert "access_key" not in options  # boto3's own credential chain


def test_pgbouncer_mode_keeps_nothing_in_the_session():
    """No server-side cursors, no prepared statements, no startup options."""
    database = {**PRIMARY, "OPTIONS": dict(PRIMARY["OPTIONS"])}
    pooled(database, {"DATABASE_POOL": "pgbouncer"})
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"] == {"prepare_threshold": None}


def test_the_replica_takes_the_primary_options_and_mirrors_it_in_tests():
    """The replica connects like the primary and never gets a test database."""
    found = replica(
        PRIMARY, {"DATABASE_REPLICA_URL": "postgis://app@10.0.0.2:5432/hientruong"}
    )
    assert found is not None
    assert (found["HOST"], found["NAME"]) == ("10.0.0.2", "hientruong")
    assert found["OPTIONS"] == PRIMARY["OPTIONS"]
    assert found["OPTIONS"] is not PRIMARY["OPTIONS"]
    assert found["CONN_MAX_AGE"] == 60
    assert found["TEST"] == {"MIRROR": "default"}
