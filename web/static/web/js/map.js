/* The map every page starts from (HT.map): basemap from the settings or none, the
 * administrative units in force (outlines and names, from the boundaries API, simplified
 * for the zoom and reloaded as the view moves), the jurisdiction's extent, a pin.
 *
 *   const map = HT.map.create(element, config.map);   // config from web.maps.map_config
 *   map.on("ht:ready", …)                             // first outlines drawn
 *   document.addEventListener("map:init", e => e.detail.map …)
 *
 * Leaflet speaks [lat, lng]; the API speaks lon/lat. HT.map.toLonLat / fromLonLat are
 * the only places the order flips. */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const L = window.L;

  HT.timings = HT.timings || {};

  /* Coordinates -------------------------------------------------------------------- */

  function toLonLat(latlng) {
    return { lon: latlng.lng, lat: latlng.lat };
  }

  function fromLonLat(lon, lat) {
    return L.latLng(lat, lon);
  }

  /* Unit labels: a point well inside the largest part of each unit ------------------ */

  function ringArea(ring) {
    let sum = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
    }
    return Math.abs(sum / 2);
  }

  function inside(x, y, rings) {
    let result = false;
    rings.forEach(function (ring) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
      }
    });
    return result;
  }

  function edgeDistance(x, y, rings, kx) {
    let best = Infinity;
    rings.forEach(function (ring) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const ax = ring[j][0] * kx, ay = ring[j][1], bx = ring[i][0] * kx, by = ring[i][1];
        const px = x * kx, dx = bx - ax, dy = by - ay;
        const t = dx || dy ? Math.max(0, Math.min(1, ((px - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy))) : 0;
        const ex = ax + t * dx - px, ey = ay + t * dy - y;
        best = Math.min(best, ex * ex + ey * ey);
      }
    });
    return best;
  }

  /** [lat, lng] for a unit's label: on a 10×10 grid over its largest polygon, the
   * inside point farthest from the edges (a cheap pole of inaccessibility). */
  function labelPoint(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let rings = polygons[0];
    polygons.forEach(function (polygon) {
      if (ringArea(polygon[0]) > ringArea(rings[0])) rings = polygon;
    });
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    rings[0].forEach(function (p) {
      minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]);
      minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
    });
    const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
    let best = null, bestDistance = -1;
    for (let i = 0; i <= 10; i++) {
      for (let j = 0; j <= 10; j++) {
        const x = minX + ((maxX - minX) * (i + 0.5)) / 11;
        const y = minY + ((maxY - minY) * (j + 0.5)) / 11;
        if (!inside(x, y, rings)) continue;
        const distance = edgeDistance(x, y, rings, kx);
        if (distance > bestDistance) { bestDistance = distance; best = [y, x]; }
      }
    }
    return best || [rings[0][0][1], rings[0][0][0]];
  }

  /* The units layer ---------------------------------------------------------------- */

  const LABEL_MIN_ZOOM = 11;

  function unitsLayer(map, config) {
    const noBasemap = !config.tiles;
    const outlines = L.geoJSON(null, {
      interactive: false,
      style: function () {
        return {
          color: "#4b5d6e",
          weight: 1.4,
          opacity: 0.9,
          fillColor: "#f3efe4",
          fillOpacity: noBasemap ? 1 : 0.06,
        };
      },
    }).addTo(map);
    const labels = L.layerGroup().addTo(map);
    let loaded = null; // {zoom, bounds} of the data on the map
    let controller = null;

    function draw(collection) {
      outlines.clearLayers();
      labels.clearLayers();
      outlines.addData(collection);
      collection.features.forEach(function (feature) {
        if (!feature.geometry) return;
        const name = feature.properties.name;
        L.marker(labelPoint(feature.geometry), {
          interactive: false,
          keyboard: false,
          icon: L.divIcon({
            className: "unit-label",
            html: "<span>" + HT.escape(name) + "</span>",
            iconSize: [0, 0],
          }),
        }).addTo(labels);
      });
    }

    function load() {
      const zoom = Math.round(map.getZoom());
      const view = map.getBounds();
      if (loaded && loaded.zoom === zoom && loaded.bounds.contains(view)) return;
      let bounds = view.pad(0.5);
      let url = config.units_url;
      let query = {
        level: config.unit_levels.join(","),
        simplify: Math.min(zoom, 22),
        date: config.date,
        bbox: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
          .map(function (v) { return v.toFixed(5); })
          .join(","),
      };
      const initial = config.initial_units;
      if (!loaded && initial && initial.zoom === zoom) {
        // The request the page preloaded (<link rel=preload>), when it covers the view.
        const box = initial.bbox;
        const initialBounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        if (initialBounds.contains(view)) {
          bounds = initialBounds;
          url = initial.url;
          query = null;
        }
      }
      if (controller) controller.abort();
      controller = new AbortController();
      HT.api(url, { query: query, signal: controller.signal })
        .then(function (result) {
          draw(result.body);
          loaded = { zoom: zoom, bounds: bounds };
          map.fire("ht:units", { count: result.body.features.length });
        })
        .catch(function (error) {
          if (error.name !== "AbortError") map.fire("ht:units-error", { error: error });
        });
    }

    function zoomClass() {
      map.getContainer().classList.toggle("ht-labels-hidden", map.getZoom() < LABEL_MIN_ZOOM);
    }

    map.on("moveend", load);
    map.on("zoomend", zoomClass);
    zoomClass();
    return { outlines: outlines, labels: labels, reload: load };
  }

  /* The map ------------------------------------------------------------------------ */

  /**
   * A Leaflet map in `element` from web.maps.map_config: basemap (or none), the
   * jurisdiction's extent as the limit of panning, the units in force. Fires
   * "ht:ready" once the map has loaded and the first outlines are drawn, and
   * dispatches "map:init" on the document.
   */
  function create(element, config, options) {
    options = options || {};
    L.Icon.Default.imagePath = config.marker_images;
    const map = L.map(element, {
      minZoom: config.min_zoom,
      maxZoom: config.max_zoom,
      zoomSnap: 0.5,
    });
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com" title="Leaflet">Leaflet</a>'
    );
    map.attributionControl.addAttribution(gettext("Boundaries: gis.vn via vietnam-3d-map (MIT)"));
    let tiles = null;
    if (config.tiles) {
      tiles = L.tileLayer(config.tiles.url, {
        attribution: config.tiles.attribution,
        maxZoom: config.max_zoom,
      }).addTo(map);
    } else {
      element.classList.add("ht-no-basemap");
    }
    if (config.bounds) {
      map.setMaxBounds(L.latLngBounds(config.bounds).pad(0.4));
    }
    const units = unitsLayer(map, config);
    map.htUnits = units;

    // Ready: the map has loaded, the first outlines are painted and, with a
    // basemap, the first tiles too.
    const pending = new Set(["load", "units"]);
    function done(step) {
      if (!pending.delete(step) || pending.size) return;
      HT.timings.map_ready = performance.now();
      element.dataset.ready = "1";
      map.fire("ht:ready");
    }
    if (tiles) {
      pending.add("tiles");
      tiles.once("load", function () {
        HT.timings.tiles_loaded = performance.now();
        done("tiles");
      });
    }
    map.once("load", function () {
      HT.timings.map_load = performance.now();
      done("load");
    });
    map.once("ht:units", function () {
      // The outlines are in the DOM now; the next frame has painted them.
      requestAnimationFrame(function () {
        HT.timings.units_drawn = performance.now();
        done("units");
      });
    });

    const center = options.center || config.pin || config.center;
    map.setView(center, options.zoom || config.zoom);
    HT.map.instances.push(map);
    document.dispatchEvent(new CustomEvent("map:init", { detail: { map: map, config: config } }));
    return map;
  }

  HT.map = {
    instances: [], // every map made on the page (tests and later scripts use them)
    create: create,
    toLonLat: toLonLat,
    fromLonLat: fromLonLat,
    labelPoint: labelPoint,
  };
})();
