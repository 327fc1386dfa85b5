"""The public portal's JSON: no sign-in, no personal data, cached."""
