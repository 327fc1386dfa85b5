"""Driving a Leaflet map in the browser tests."""

from __future__ import annotations


def map_click(page, lon: float, lat: float, *, map_js: str = "HT.map.instances[0]"):
    """Click the map where (lon, lat) is drawn; Leaflet itself says where (``map_js``
    names the page's map object)."""
    x, y = page.evaluate(
        f"""([lat, lon]) => {{
            const point = {map_js}.latLngToContainerPoint([lat, lon]);
            return [point.x, point.y];
        }}""",
        [lat, lon],
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
