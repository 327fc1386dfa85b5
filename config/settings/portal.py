"""Settings of the public results portal (/ket-qua/) and the pilot evaluation report
(/plan/evaluation/), from the environment (imported by config/settings/base.py)."""

import math
import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.env import env_list

# How long the public portal's pages and JSON are kept in the cache and by browsers
# and proxies (config.public_cache); 0 turns the shared cache off.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "60"))
# The public portal's JSON (api.public) per client address per minute, a bucket of its
# own (a map pans and zooms: several requests a second); 0 or less turns it off.
PUBLIC_RATE_PER_IP_MINUTE = int(os.environ.get("PUBLIC_RATE_PER_IP_MINUTE", "240"))
# The public scorecards (api.public.scorecards, /ket-qua/xep-hang) per client address
# per minute, counted when the answer is not in the public cache; 0 or less: off.
SCORECARD_RATE_PER_IP_MINUTE = int(os.environ.get("SCORECARD_RATE_PER_IP_MINUTE", "60"))
# The portal's pages and feed (/ket-qua/), counted per client address per minute when
# computed (a cache miss: an unknown code or query too); 0 or less: off.
PUBLIC_PAGE_RATE_PER_IP_MINUTE = int(
    os.environ.get("PUBLIC_PAGE_RATE_PER_IP_MINUTE", "120")
)
# A cookie on an answer kept for everybody: an error (True, the tests) or dropped
# with a warning (False, production).
PUBLIC_COOKIES_RAISE = os.environ.get("PUBLIC_COOKIES_RAISE", "") == "1"

# --- The pilot evaluation report (/plan/evaluation/, analytics.evaluation) ------------
# Staff minutes one operations-centre action is taken to cost (the report's staff time):
# a finite number from 0 to 1440, anything else refused when the settings load.


def minutes_per_action_parse(raw: str) -> float:
    """``EVALUATION_MINUTES_PER_ACTION`` as a number, or ImproperlyConfigured."""
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 1440):
        raise ImproperlyConfigured(
            f"EVALUATION_MINUTES_PER_ACTION must be a number of minutes from 0 to "
            f"1440, not {raw!r}."
        )
    return value


EVALUATION_MINUTES_PER_ACTION = minutes_per_action_parse(
    os.environ.get("EVALUATION_MINUTES_PER_ACTION", "3")
)
# Who gets last month's report as a PDF on the first of the month (comma-separated;
# nobody when empty).
EVALUATION_RECIPIENTS = [a for a in env_list("EVALUATION_RECIPIENTS", "") if a]
