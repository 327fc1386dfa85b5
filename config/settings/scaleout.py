"""Scale-out settings: photos in object storage, PostgreSQL behind pgbouncer, a read
replica. Each is off unless its environment variables are set; docs/scaling.md says
when to turn them on.

MEDIA_S3_BUCKET             photos go to this S3-compatible bucket (private; nothing
                            public-read) instead of MEDIA_ROOT
MEDIA_S3_ENDPOINT_URL       the S3 endpoint (MinIO, Ceph, a cloud's S3); empty: AWS
MEDIA_S3_ACCESS_KEY         credentials; empty: boto3's own chain (instance role,
MEDIA_S3_SECRET_KEY         AWS_* variables, ~/.aws)
MEDIA_S3_REGION             default us-east-1
MEDIA_S3_PREFIX             key prefix inside the bucket, default none
MEDIA_S3_ADDRESSING_STYLE   path or virtual; default path with an endpoint, else virtual
MEDIA_S3_URL_SECONDS        lifetime of a signed URL for staff, default 300
MEDIA_S3_PUBLIC_URL_SECONDS lifetime of a signed URL for a public photo, default 3600
DATABASE_POOL               "pgbouncer": DATABASE_URL is a pgbouncer in transaction mode
DATABASE_REPLICA_URL        a streaming replica for reads that may lag (docs/scaling.md)
DATABASE_REPLICA_PIN_SECONDS a client that has just written reads from the primary for
                            this long, default 10

The functions take the environment as a mapping so that a test builds the same
settings from its own values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, cast

import dj_database_url
from dj_database_url import DBConfig

REPLICA = "replica"
STATICFILES = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def media_storage(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """``STORAGES["default"]``: the local filesystem, or a private S3 bucket whose
    objects are read through signed URLs of ``MEDIA_S3_URL_SECONDS``."""
    bucket = env.get("MEDIA_S3_BUCKET", "").strip()
    if not bucket:
        return dict(FILESYSTEM)
    endpoint = env.get("MEDIA_S3_ENDPOINT_URL", "").strip() or None
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": env.get("MEDIA_S3_REGION", "").strip() or "us-east-1",
        "location": env.get("MEDIA_S3_PREFIX", "").strip().strip("/"),
        "addressing_style": env.get("MEDIA_S3_ADDRESSING_STYLE", "").strip()
        or ("path" if endpoint else "virtual"),
        "signature_version": "s3v4",
        # Private objects: no ACL header, so the bucket's owner-only default holds,
        # and every read is a signed URL that expires.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(env.get("MEDIA_S3_URL_SECONDS", "300")),
        # A citizen's photo is never replaced by another of the same name.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, max-age=300"},
    }
    if env.get("MEDIA_S3_ACCESS_KEY"):
        options["access_key"] = env["MEDIA_S3_ACCESS_KEY"]
        options["secret_key"] = env.get("MEDIA_S3_SECRET_KEY", "")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def storages(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """``STORAGES``: media as above; static files stay Django's (the production
    profile may replace ``staticfiles``)."""
    return {"default": media_storage(env), "staticfiles": dict(STATICFILES)}


def pooled(database: DBConfig, env: Mapping[str, str] = os.environ) -> None:
    """Make ``database`` (a ``DATABASES`` entry) safe behind pgbouncer in transaction
    mode when ``DATABASE_POOL=pgbouncer``: consecutive transactions of one Django
    connection may run on different server connections, so nothing may live in the
    session. No server-side cursors (a WITH HOLD cursor outlives its transaction),
    no prepared statements (psycopg prepares a query run five times; Django already
    turns that off, this keeps it off), and no ``options`` startup parameter, which
    pgbouncer 1.18 refuses: its ``-c`` settings (``jit``, a ``statement_timeout``)
    belong to the role instead, ``ALTER ROLE … SET`` (docs/scaling.md)."""
    if env.get("DATABASE_POOL", "").strip().lower() != "pgbouncer":
        return
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    # Read by config.timeouts: a session SET would leak to the next client of the
    # server connection, so the web's statement timeout is left to the role.
    cast(dict[str, Any], database)["TRANSACTION_POOLED"] = True
    options = database.setdefault("OPTIONS", {})
    options["prepare_threshold"] = None
    options.pop("options", None)


def replica(default: DBConfig, env: Mapping[str, str] = os.environ) -> DBConfig | None:
    """``DATABASES["replica"]`` from ``DATABASE_REPLICA_URL``, with the primary's
    options (pool mode included); None without one. Tests mirror it onto the
    primary's test database."""
    url = env.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    database = dj_database_url.parse(
        url,
        conn_max_age=default.get("CONN_MAX_AGE", 0),
        conn_health_checks=default.get("CONN_HEALTH_CHECKS", False),
    )
    if "OPTIONS" in default:
        database["OPTIONS"] = dict(default["OPTIONS"])
    if "DISABLE_SERVER_SIDE_CURSORS" in default:
        database["DISABLE_SERVER_SIDE_CURSORS"] = default["DISABLE_SERVER_SIDE_CURSORS"]
    database["TEST"] = {"MIRROR": "default"}
    return database
