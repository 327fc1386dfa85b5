"""Pages, on one foundation that every page (citizen, officers, planners) builds on.

Server side
- ``web.i18n.vietnamese_first``: decorate a page view so it speaks Vietnamese unless
  the visitor chose English with the header's switch (``set_language``); strings go
  through ``{% translate %}`` / ``gettext`` with English msgids, Vietnamese in
  ``locale/vi/LC_MESSAGES/django.po`` (templates, Python) and ``djangojs.po`` (scripts).
- ``web.maps.map_config(center=…, zoom=…, day=…, **extra)``: what a page hands to
  its map through ``json_script`` (basemap or none, jurisdiction extent, the outline
  request the page preloads).
- ``web.labels``: statuses, events, ratings and category icons in the page's language.
- ``templates/web/base.html``: header with navigation (``{% block nav %}``) and the
  language switch; blocks ``head``, ``content``, ``config`` (the page's json_script,
  id ``page-config``), ``map_css``/``map_js``/``map_page_js`` (Leaflet and
  ``HT.map``; empty them on a page without a map) and ``scripts``.

Browser side (``static/web/js``, plain ES2017, no build step)
- ``ht.js`` (``window.HT``): ``HT.config()``, ``HT.api(url, {method, query, json,
  form, headers})`` rejecting with ``HT.ApiError`` (message in the page's language,
  ``field``), ``HT.FormErrors`` (errors next to their fields), ``HT.formatDate``
  (dd/mm/yyyy in Asia/Ho_Chi_Minh), ``HT.formatDistance``, ``HT.uuid``.
- ``map.js`` (``HT.map``): ``HT.map.create(element, config.map)`` draws the units in
  force (reloaded per view and zoom), fires ``ht:ready`` when usable and dispatches
  ``map:init`` on the document; ``HT.map.toLonLat`` / ``fromLonLat`` are the only
  places where Leaflet's [lat, lng] meets the API's lon/lat.
- Vendored in ``static/vendor`` (see its README): Leaflet, leaflet.heat (planners'
  heat map), Leaflet-Geoman (zone editor).
"""
