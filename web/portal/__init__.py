"""``/ket-qua/``: the public results portal (map, list, report pages, Atom feed)."""
