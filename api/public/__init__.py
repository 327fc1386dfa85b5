"""The public portal's JSON (listed reports, map clusters, scorecards): anonymous,
no personal data, cached."""
