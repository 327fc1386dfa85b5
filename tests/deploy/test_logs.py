"""Log lines carry the request id, as plain text or one JSON object per line."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys

import pytest
from django.http import HttpResponse

from config.logs import JsonFormatter, RequestIdFilter, logging_config, request_id
from config.request_id import RequestIdMiddleware
from tests.deploy.conftest import ROOT, production_env


def capture(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def run(middleware_input: dict[str, str], logger: logging.Logger) -> HttpResponse:
    """One request through the middleware, its view writing one log line."""
    from django.test import RequestFactory

    def view(request):
        logger.info("Đã tiếp nhận phản ánh %s", "HT-1", extra={"report": "HT-1"})
        return HttpResponse("ok")

    request = RequestFactory().get("/", **middleware_input)
    return RequestIdMiddleware(view)(request)


def test_json_lines_carry_the_proxys_request_id():
    """A well-formed id from the proxy is on the response and on the view's line,
    which is one JSON object with the extra fields and Vietnamese kept as is."""
    logger, stream = capture(JsonFormatter())
    response = run({"HTTP_X_REQUEST_ID": "nginx-0123456789abcdef"}, logger)
    assert response["X-Request-ID"] == "nginx-0123456789abcdef"
    (line,) = stream.getvalue().splitlines()
    document = json.loads(line)
    assert document["request_id"] == "nginx-0123456789abcdef"
    assert document["message"] == "Đã tiếp nhận phản ánh HT-1"
    assert document["report"] == "HT-1"
    assert document["level"] == "INFO"
    assert request_id.get() == "-"  # nothing leaks to the next request


@pytest.mark.parametrize(
    "offered", ["", "short", "two words here", "x" * 129, 'id"}{injected', "ễ" * 10]
)
def test_a_malformed_id_is_replaced(offered):
    """Anything but 8–128 letters, digits and ``._:-`` is replaced by a new id."""
    logger, stream = capture(logging.Formatter("%(request_id)s %(message)s"))
    response = run({"HTTP_X_REQUEST_ID": offered}, logger)
    rid = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert stream.getvalue().startswith(f"{rid} ")


def test_a_traceback_stays_on_one_json_line():
    logger, stream = capture(JsonFormatter())
    try:
        raise ValueError("hỏng\ndòng hai")
    except ValueError:
        logger.exception("failed")
    (line,) = stream.getvalue().splitlines()
    document = json.loads(line)
    assert "ValueError: hỏng" in document["exc_info"]
    assert document["request_id"] == "-"


def test_plain_format_prints_the_request_id_and_unknown_formats_are_refused():
    config = logging_config(log_format="plain", level="INFO")
    assert "%(request_id)s" in config["formatters"]["main"]["format"]
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")


def test_django_logs_a_404_with_the_request_id(client):
    """Django logs "Not Found" after the middleware returned; the line still has
    the request's id (read from the request the record carries)."""
    logger, stream = capture(JsonFormatter())
    django_request = logging.getLogger("django.request")
    handler = logger.handlers[0]
    django_request.addHandler(handler)
    try:
        response = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    finally:
        django_request.removeHandler(handler)
    assert response.status_code == 404
    document = json.loads(stream.getvalue().splitlines()[-1])
    assert document["request_id"] == response["X-Request-ID"]
    assert document["status_code"] == 404


def test_production_logs_json_and_the_demo_plain(django_db_setup):
    """config.settings.production writes JSON lines by default; the base settings
    (demo, tests) plain ones; LOG_FORMAT overrides either."""
    script = "import logging; logging.getLogger('ht').warning('xin chào')"

    def line(**env: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=production_env(**env),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr.strip().splitlines()[-1]

    assert json.loads(line())["message"] == "xin chào"
    assert line(DJANGO_SETTINGS_MODULE="config.settings.base").endswith(
        "WARNING [-] ht: xin chào"
    )
    assert line(LOG_FORMAT="plain").endswith("WARNING [-] ht: xin chào")
