"""Named places in Đồng Hới for tests (lon, lat), checked against the fixture polygons."""

# Inside Phường Đồng Phú (2013 and 2020 rosters) and Phường Đồng Hới (from 1/7/2025).
DONG_PHU = (106.6155, 17.4689)
# At sea, 5 km east of the Bảo Ninh shore.
OFFSHORE = (106.70, 17.47)
# Hà Nội: far outside every unit we hold.
HANOI = (105.8342, 21.0278)
