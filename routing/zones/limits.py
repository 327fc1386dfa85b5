"""How large a zone's fields may be: the API's zone input checks them and the zone
editor's form tells them, so both refuse the same values."""

from __future__ import annotations

# The column's length (``ResponsibilityZone.name`` is declared with it).
NAME_MAX_LENGTH = 200
# Priority decides first among overlapping zones (``ResponsibilityZone``): the
# range a zone may be given.
PRIORITY_MIN = -1000
PRIORITY_MAX = 1000
