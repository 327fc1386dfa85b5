"""The zone input limits are stated once (``routing.zones.limits``): the API's zone
input checks them and they fit the zone table."""

from __future__ import annotations

from api.routing.serializers import ZoneInput
from routing.models import ResponsibilityZone
from routing.zones import limits


def test_the_name_limit_is_the_columns():
    """A name the API accepts fits the column."""
    column = ResponsibilityZone._meta.get_field("name")
    assert column.max_length == limits.NAME_MAX_LENGTH


def test_the_zone_input_checks_the_limits():
    """The serializer's bounds are the limits the editor's form is told."""
    fields = ZoneInput().fields
    assert fields["name"].max_length == limits.NAME_MAX_LENGTH
    assert fields["priority"].min_value == limits.PRIORITY_MIN
    assert fields["priority"].max_value == limits.PRIORITY_MAX
