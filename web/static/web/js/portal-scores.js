/* The public scorecards page (/ket-qua/xep-hang): the ranking table sorted by any
 * column (the server renders it ranked by on-time rate; rows carry their values in
 * data-* attributes, empty when a rate rests on too few reports, which sort last),
 * and a choropleth of today's wards and communes by on-time rate, with a legend
 * and a tooltip of each unit's figures. The figures come with the page
 * (json_script "page-config"); the outlines from the boundaries API.
 */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const gettext = window.gettext;
  // On-time rate classes: below 50 %, 50–70 %, 70–85 %, 85–95 %, 95 % and above.
  const BREAKS = [0.5, 0.7, 0.85, 0.95];
  const COLOURS = ["#d7301f", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"];
  const NO_DATA = "#e3e6ea";

  function percent(rate) {
    if (rate === null || rate === undefined) return "—";
    return HT.formatNumber(rate * 100, 1) + " %";
  }

  /* The table ----------------------------------------------------------------------- */

  function sortTable(table, key, descending) {
    const body = table.tBodies[0];
    const rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.dataset.code !== undefined; });
    rows.sort(function (a, b) {
      const x = a.dataset[key];
      const y = b.dataset[key];
      if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1; // no figure: last
      if (key === "name") return (descending ? -1 : 1) * x.localeCompare(y, HT.lang);
      return (descending ? -1 : 1) * (Number(x) - Number(y));
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function tableSetUp(table) {
    table.querySelectorAll("thead th[data-sort]").forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        const key = th.dataset.sort;
        // Counts and rates start from the highest; rank, name and time from the lowest.
        const first = ["rank", "name", "median", "reopen"].indexOf(key) >= 0 ? "ascending" : "descending";
        const current = th.getAttribute("aria-sort");
        const next = current ? (current === "ascending" ? "descending" : "ascending") : first;
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", next);
        sortTable(table, key, next === "descending");
      });
    });
  }

  /* The map ------------------------------------------------------------------------- */

  function classOf(rate) {
    let i = 0;
    while (i < BREAKS.length && rate >= BREAKS[i]) i++;
    return i;
  }

  function tooltip(name, row, minCount) {
    if (!row) return "<strong>" + HT.escape(name) + "</strong><br>" + HT.escape(gettext("No reports in this period."));
    const lines = [
      HT.format(gettext("Received: %(n)s, resolved: %(m)s"), { n: HT.formatNumber(row.received), m: HT.formatNumber(row.resolved) }),
      HT.format(gettext("On time: %(rate)s (%(late)s late of %(whole)s)"), {
        rate: percent(row.on_time.rate), late: HT.formatNumber(row.on_time.late), whole: HT.formatNumber(row.on_time.with_deadline),
      }),
      HT.format(gettext("Median time to resolve: %(hours)s h"), {
        hours: row.median_hours === null ? "—" : HT.formatNumber(row.median_hours, 1),
      }),
      HT.format(gettext("Satisfied: %(rate)s of %(n)s rated"), {
        rate: percent(row.satisfaction.satisfied), n: HT.formatNumber(row.satisfaction.rated),
      }),
      HT.format(gettext("Reopened: %(rate)s"), { rate: percent(row.reopen.rate) }),
    ];
    if (row.on_time.rate === null) {
      lines.push(HT.format(gettext("Too few reports for a rate (fewer than %(n)s)."), { n: minCount }));
    }
    return "<strong>" + HT.escape(name) + "</strong><br>" + lines.map(HT.escape).join("<br>");
  }

  function legendControl() {
    const control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      const div = L.DomUtil.create("div", "scores-legend");
      const labels = ["< 50 %", "50 – 70 %", "70 – 85 %", "85 – 95 %", "≥ 95 %"];
      div.innerHTML = "<strong>" + HT.escape(gettext("On time")) + "</strong><br>" +
        COLOURS.map(function (c, i) { return '<i style="background:' + c + '"></i>' + labels[i]; }).join("<br>") +
        '<br><i style="background:' + NO_DATA + '"></i>' + HT.escape(gettext("too few reports"));
      return div;
    };
    return control;
  }

  function mapSetUp(element, config) {
    const map = HT.map.create(element, config.map);
    // Above the map's own unit outlines (their fill would hide the colours).
    map.createPane("scores-choropleth").style.zIndex = 420;
    const byCode = {};
    config.rows.forEach(function (row) { if (row.current) byCode[row.code] = row; });
    HT.api(config.units_url, {
      query: { level: config.map.unit_levels.join(","), date: config.map.date, simplify: 12 },
    }).then(function (response) {
      const layer = L.geoJSON(response.body, {
        pane: "scores-choropleth",
        style: function (feature) {
          const row = byCode[feature.properties.code];
          const rate = row ? row.on_time.rate : null;
          return {
            color: "#4b5d6e", weight: 1, fillOpacity: 0.78,
            fillColor: rate === null ? NO_DATA : COLOURS[classOf(rate)],
          };
        },
        onEachFeature: function (feature, shape) {
          const row = byCode[feature.properties.code];
          shape.bindTooltip(tooltip(feature.properties.name, row, config.min_count), { sticky: true });
        },
      }).addTo(map);
      legendControl().addTo(map);
      const coloured = layer.getLayers().filter(function (l) { return byCode[l.feature.properties.code]; });
      if (coloured.length) map.fitBounds(L.featureGroup(coloured).getBounds().pad(0.1));
      element.dataset.units = String(layer.getLayers().length);
      element.dataset.coloured = String(coloured.length);
    }).catch(function () {
      element.dataset.error = "1";
    });
  }

  /* A cached page carries nobody's CSRF token: switch the language by its cookie. */
  document.addEventListener("DOMContentLoaded", function () {
    const config = HT.config();
    const table = document.getElementById("scores-table");
    if (table) tableSetUp(table);
    const element = document.getElementById("scores-map");
    if (element && config.map) mapSetUp(element, config);
  });
})();
