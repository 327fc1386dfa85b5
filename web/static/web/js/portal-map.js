/* The public portal's map (/ket-qua/): public reports as server-side clusters from
 * /api/v1/public/clusters (counted from the pre-aggregated grid), each drawn as a
 * ring of its status groups' shares (being handled, resolved, closed); close up, or
 * with few reports, single reports coloured by their group, each linking to its
 * portal page. The request follows the view (debounced, the previous one aborted). */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const config = HT.config();
  const $ = function (id) {
    return document.getElementById(id);
  };
  const DEBOUNCE_MS = 250;
  const colours = config.colours;
  const groupOf = config.status_groups;
  const element = $("map");
  const map = HT.map.create(element, config.map);
  const layer = L.layerGroup().addTo(map);
  let controller = null;
  let timer = null;

  function groupCounts(statuses) {
    const counts = { open: 0, resolved: 0, closed: 0 };
    Object.keys(statuses || {}).forEach(function (status) {
      const group = groupOf[status];
      if (group) counts[group] += statuses[status];
    });
    return counts;
  }

  function ring(counts, total) {
    let at = 0;
    const stops = ["open", "resolved", "closed"].map(function (group) {
      const from = at;
      at += (100 * counts[group]) / Math.max(total, 1);
      return colours[group] + " " + from.toFixed(1) + "% " + at.toFixed(1) + "%";
    });
    return "conic-gradient(" + stops.join(", ") + ")";
  }

  function clusterPopup(p, counts) {
    return (
      '<div class="plan-popup"><p class="plan-popup-title">' +
      HT.escape(p.count) + " · " + HT.escape(config.groups.open) + ": " + counts.open +
      "<br>" + HT.escape(config.groups.resolved) + ": " + counts.resolved +
      "<br>" + HT.escape(config.groups.closed) + ": " + counts.closed + "</p></div>"
    );
  }

  function pointPopup(p) {
    const url = config.urls.list.replace(/danh-sach$/, "") + encodeURIComponent(p.tracking_code);
    return (
      '<div class="plan-popup"><p class="plan-popup-title"><a href="' + HT.escape(url) + '">' +
      HT.escape(config.categories[p.category] || p.category) + "</a></p><p>" +
      HT.escape(config.statuses[p.status] || p.status) + "<br>" +
      HT.escape(HT.formatDate(p.reported_at)) + "</p></div>"
    );
  }

  function draw(body) {
    layer.clearLayers();
    body.features.forEach(function (feature) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      let marker;
      if (body.mode === "clusters") {
        const counts = groupCounts(p.statuses);
        const size = Math.round(Math.min(72, 28 + 11 * Math.log10(p.count)));
        marker = L.marker([lat, lon], {
          title: String(p.count),
          icon: L.divIcon({
            className: "portal-cluster",
            html: '<span style="background: ' + ring(counts, p.count) + '"><b data-count="' +
              p.count + '">' + HT.formatNumber(p.count) + "</b></span>",
            iconSize: [size, size],
          }),
        }).bindPopup(clusterPopup(p, counts));
      } else {
        const colour = colours[groupOf[p.status]] || "#7a8088";
        marker = L.marker([lat, lon], {
          title: p.tracking_code,
          icon: L.divIcon({
            className: "plan-point",
            html: '<span data-count="1" data-code="' + HT.escape(p.tracking_code) +
              '" style="--swatch: ' + colour + '"></span>',
            iconSize: [14, 14],
          }),
        }).bindPopup(pointPopup(p));
      }
      marker.addTo(layer);
    });
  }

  // The box grows outward to a grid of a quarter tile at a whole zoom (the server
  // snaps to the same grid, api/public/params.py bbox_snap): a panned map asks for
  // few distinct boxes, which the shared cache keeps.
  function query() {
    const b = map.getBounds();
    const zoom = Math.max(0, Math.min(22, Math.round(map.getZoom())));
    const step = 360 / Math.pow(2, zoom + 2);
    const down = function (v) { return (Math.floor(v / step + 1e-9) * step).toFixed(6); };
    const up = function (v) { return (Math.ceil(v / step - 1e-9) * step).toFixed(6); };
    const bbox = [down(b.getWest()), down(b.getSouth()), up(b.getEast()), up(b.getNorth())]
      .join(",");
    return "?bbox=" + bbox + "&zoom=" + zoom;
  }

  function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    element.dataset.clusters = "loading";
    fetch(config.urls.clusters + query(), {
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.detail || response.statusText);
          return body;
        });
      })
      .then(function (body) {
        draw(body);
        element.dataset.clusters = body.mode;
        element.dataset.total = String(body.total);
        $("map-status").textContent = body.total ? "" : "—";
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        element.dataset.clusters = "error";
        $("map-status").textContent = error.message;
      });
  }

  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(load, DEBOUNCE_MS);
  });
  load();
})();
