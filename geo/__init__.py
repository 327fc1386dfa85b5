"""Pure spatial toolkit: parsing, validation, repair, projections. No Django, no ORM."""
