"""The public portal's JSON: listed reports and map clusters, anonymous and cached."""
