"""A citizen's report comes in: typed input, photos, limits, duplicates, the submit.

Read ``submission`` first (what the edges parse a request into, and every check, in
order), then ``submit.report_submit``, which orchestrates the rest of this package:
``idempotency`` (replays), ``ratelimits``, ``duplicates`` and ``store`` (the rows).
Every refusal's wording is in ``errors``.
"""
