/* The officers' queue (/ops/): a small map of the reports listed on this page. The
 * list itself is rendered on the server; this adds a pin per report (red when overdue),
 * each a link to its page. */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const config = HT.config();
  const element = document.getElementById("map");
  if (!element) return;

  const map = HT.map.create(element, config.map);
  // Above the unit outlines map.js redraws as the view moves, and their names.
  map.createPane("ht-reports");
  map.getPane("ht-reports").style.zIndex = 620;
  const reports = config.reports || [];
  const pins = reports.map(function (report) {
    const marker = L.circleMarker([report.lat, report.lon], {
      pane: "ht-reports",
      radius: 8,
      weight: 2,
      color: report.overdue ? "#a4161a" : "#17202a",
      fillColor: report.overdue ? "#e03131" : report.colour,
      fillOpacity: 0.9,
    }).addTo(map);
    marker.bindTooltip(
      HT.escape(report.code) + " · " + HT.escape(report.category) +
        (report.overdue ? " · " + HT.escape(gettext("Overdue")) : "")
    );
    marker.on("click", function () {
      window.location.href = report.url;
    });
    return marker;
  });
  if (pins.length) {
    const bounds = L.featureGroup(pins).getBounds();
    map.fitBounds(bounds.pad(0.3), { maxZoom: 15 });
  }
})();
