"""WSGI entry point (gunicorn config.wsgi): the web process, whose database
statements are cut off after DB_STATEMENT_TIMEOUT_MS (config.timeouts)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

from config.timeouts import statement_timeout_install  # noqa: E402 (after setup)

statement_timeout_install()
