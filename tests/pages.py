"""Reading the pages' HTML in tests (Django's test client, no browser)."""

from __future__ import annotations

import json
import re


def page_config(response) -> dict:
    """The page's configuration, from its ``json_script`` element."""
    match = re.search(
        r'<script id="page-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page has no json_script configuration"
    return json.loads(match.group(1))
