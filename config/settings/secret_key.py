"""SECRET_KEY from the environment, or a refusal to start.

Django signs sessions, CSRF tokens and password-reset links with ``SECRET_KEY``; a key
published in the repository would let anyone forge a staff session. So the only
fallback is a development key, and only with ``DJANGO_DEBUG`` or in the demo
(``HT_DEMO=1``, which the Makefile's demo targets set); anywhere else a missing key
stops the process with ``ImproperlyConfigured`` before it serves anything.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

# Published on purpose: it signs nothing that matters outside a developer's machine.
DEVELOPMENT_KEY = "dev-only-insecure-key-never-used-outside-debug-or-the-demo"


def secret_key(*, debug: bool, demo: bool) -> str:
    """``SECRET_KEY`` from the environment; the development key with DEBUG or in the
    demo; otherwise ImproperlyConfigured."""
    value = os.environ.get("SECRET_KEY", "").strip()
    if value:
        return value
    if debug or demo:
        return DEVELOPMENT_KEY
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: thiếu SECRET_KEY. Set it in the environment (50+ "
        "random characters, e.g. `python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'`); only DJANGO_DEBUG=1 or the demo "
        "(HT_DEMO=1) run without it."
    )
