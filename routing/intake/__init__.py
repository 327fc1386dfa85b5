"""A citizen's report comes in: typed input, photos, limits, duplicates, the submit.

Read ``submit.report_submit`` first: it orchestrates the rest of this package.
"""
