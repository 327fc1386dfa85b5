/* The planners' map (/plan/): reports as server-side clusters at every zoom, a
 * heatmap, Gi* hot and cold spots, units coloured by count or overdue rate, a chart by
 * month and exports, all under one set of filters kept in the address (so a view can
 * be shared). Everything comes from the analytics API; nothing here counts reports
 * itself, so the figures are the API's.
 *
 * Requests that depend on the view (clusters, heatmap, hot spots) are made after the
 * map stops moving (debounced) and abort the previous ones; those that depend on the
 * filters alone (statistics, chart, choropleth) run when the filters change.
 *
 * The other parts: plan-filters.js (HT.plan: the filters, the address, shared
 * helpers), plan-chart.js (the SVG chart), plan-choropleth.js (units coloured). */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const P = HT.plan;
  const $ = P.$;
  const config = P.config;
  const urls = P.urls;
  const months = P.months;
  // Okabe–Ito colours (distinguishable with colour-blindness) for the chart's
  // largest categories; grey for the rest.
  const SERIES_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00"];
  const OTHER_COLOUR = "#7a8088";
  const DEBOUNCE_MS = 250;
  const form = $("plan-filters");
  const monthFrom = $("month-from");
  const monthTo = $("month-to");
  const bboxOf = P.bboxOf;
  const filterQuery = P.filterQuery;
  const layersOn = P.layersOn;
  const queryString = P.queryString;
  const slot = P.slot;
  const statsRequest = P.statsRequest;
  const percent = P.percent;
  const categoryName = P.categoryName;
  const statusName = P.statusName;

  /* Errors: each source's latest, shown together ----------------------------------- */

  const errors = {};
  function showError(source, error) {
    if (error && error.name === "AbortError") return;
    if (error) errors[source] = error.message;
    else delete errors[source];
    const messages = Object.keys(errors).map(function (k) { return errors[k]; });
    const alert = $("plan-error");
    alert.textContent = messages.filter(function (m, i) { return messages.indexOf(m) === i; }).join(" ");
    alert.hidden = !messages.length;
  }

  /* The map ------------------------------------------------------------------------ */

  const initialView = P.readAddress();
  P.showPeriod();
  P.showChosen();
  const map = HT.map.create($("map"), config.map, initialView || {});
  map.createPane("plan-choropleth").style.zIndex = 405;
  map.createPane("plan-hotspots").style.zIndex = 420;

  /* Clusters ----------------------------------------------------------------------- */

  const clusterLayer = L.layerGroup().addTo(map);
  const clustersFetch = slot();

  function breakdownRows(counts, label) {
    return Object.keys(counts)
      .sort(function (a, b) { return counts[b] - counts[a]; })
      .map(function (key) {
        return "<tr><th scope=row>" + HT.escape(label(key)) + "</th><td>" + HT.formatNumber(counts[key]) + "</td></tr>";
      })
      .join("");
  }

  function clusterPopup(properties) {
    return (
      '<div class="plan-popup"><p class="plan-popup-title">' +
      HT.escape(HT.format(gettext("%(count)s reports"), { count: HT.formatNumber(properties.count) })) +
      "</p><table><caption>" + HT.escape(gettext("By category")) + "</caption>" +
      breakdownRows(properties.categories, categoryName) +
      "</table><table><caption>" + HT.escape(gettext("By status")) + "</caption>" +
      breakdownRows(properties.statuses, statusName) +
      "</table></div>"
    );
  }

  function pointPopup(properties) {
    return (
      '<div class="plan-popup"><p class="plan-popup-title">' + HT.escape(properties.tracking_code) + "</p>" +
      "<p>" + HT.escape(categoryName(properties.category)) + "<br>" +
      HT.escape(statusName(properties.status)) + "<br>" +
      HT.escape(HT.formatDate(properties.reported_at, true)) + "</p></div>"
    );
  }

  function drawClusters(body) {
    clusterLayer.clearLayers();
    body.features.forEach(function (feature) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      let marker;
      if (body.mode === "clusters") {
        const size = Math.round(Math.min(72, 26 + 11 * Math.log10(p.count)));
        const label = HT.format(gettext("%(count)s reports"), { count: HT.formatNumber(p.count) });
        marker = L.marker(HT.map.fromLonLat(lon, lat), {
          title: label,
          alt: label,
          icon: L.divIcon({
            className: "plan-cluster",
            html: '<span data-count="' + p.count + '">' + HT.formatNumber(p.count) + "</span>",
            iconSize: [size, size],
          }),
        }).bindPopup(clusterPopup(p));
      } else {
        const colour = P.categoryColour(p.category) || OTHER_COLOUR;
        const label = p.tracking_code + " · " + categoryName(p.category);
        marker = L.marker(HT.map.fromLonLat(lon, lat), {
          title: label,
          alt: label,
          icon: L.divIcon({
            className: "plan-point",
            html: '<span data-count="1" style="--swatch: ' + colour + '"></span>',
            iconSize: [14, 14],
          }),
        }).bindPopup(pointPopup(p));
      }
      marker.addTo(clusterLayer);
    });
  }

  function loadClusters(query) {
    $("map").dataset.clusters = "loading";
    setStatus(gettext("Loading the reports…"));
    clustersFetch(urls.clusters, query)
      .then(function (result) {
        const body = result.body;
        if (map.hasLayer(clusterLayer)) drawClusters(body);
        const total = $("total-view");
        total.textContent = HT.formatNumber(body.total);
        total.dataset.total = String(body.total);
        limitExports(body.total);
        $("map").dataset.clusters = body.mode;
        viewStatus = (
          body.total
            ? HT.format(
                body.mode === "clusters"
                  ? gettext("%(count)s reports in view, in groups of about %(size)s m")
                  : gettext("%(count)s reports in view, each at its place"),
                { count: HT.formatNumber(body.total), size: HT.formatNumber(body.cell_m || 0) }
              )
            : gettext("No reports in view under these filters.")
        );
        setStatus(viewStatus);
        showError("clusters", null);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        $("map").dataset.clusters = "error";
        setStatus("");
        showError("clusters", error);
      });
  }

  let viewStatus = ""; // what the clusters said about the view, shown between tasks

  function setStatus(text) {
    $("map-status").textContent = text;
    $("map-status").hidden = !text;
  }

  /* Heatmap ------------------------------------------------------------------------ */

  // The API already sums the reports into blocks about 16 pixels wide for the zoom,
  // so leaflet.heat must not fade them by zoom (maxZoom 0: weight × 1 at any zoom).
  const heatLayer = L.heatLayer([], { radius: 22, blur: 18, minOpacity: 0.25, maxZoom: 0 });
  const heatFetch = slot();

  function loadHeat(query) {
    if (!map.hasLayer(heatLayer)) return;
    heatFetch(urls.heatmap, query)
      .then(function (result) {
        const points = result.body;
        // Scale to the 95th percentile, so one busy cell does not wash out the rest.
        const weights = points.map(function (p) { return p[2]; }).sort(function (a, b) { return a - b; });
        const max = weights.length ? weights[Math.floor((weights.length - 1) * 0.95)] : 1;
        heatLayer.setOptions({ max: Math.max(1, max) });
        heatLayer.setLatLngs(points);
        $("map").dataset.heat = String(points.length);
        showError("heat", null);
      })
      .catch(function (error) { showError("heat", error); });
  }

  /* Hot spots ---------------------------------------------------------------------- */

  const HOT = { 99: "#b2182b", 95: "#ef8a62", 90: "#fddbc7" };
  const COLD = { 99: "#2166ac", 95: "#67a9cf", 90: "#d1e5f0" };
  const hotspotLayer = L.geoJSON(null, {
    pane: "plan-hotspots",
    filter: function (feature) { return feature.properties.class !== "not_significant"; },
    style: function (feature) {
      const p = feature.properties;
      const colour = (p.class === "hot" ? HOT : COLD)[p.confidence] || "#999";
      return { color: "#3b3b3b", weight: 0.6, fillColor: colour, fillOpacity: 0.6 };
    },
    onEachFeature: function (feature, layer) {
      const p = feature.properties;
      const title = p.class === "hot"
        ? HT.format(gettext("Hot spot, confidence %(confidence)s"), { confidence: p.confidence + " %" })
        : HT.format(gettext("Cold spot, confidence %(confidence)s"), { confidence: p.confidence + " %" });
      layer.bindPopup(
        '<div class="plan-popup"><p class="plan-popup-title">' + HT.escape(title) + "</p><p>" +
        HT.escape(HT.format(gettext("%(count)s reports in this hexagon (%(area)s km²)"), {
          count: HT.formatNumber(p.count), area: HT.formatNumber(p.area_km2, 2),
        })) + "<br>z = " + HT.formatNumber(p.z, 2) + "; p = " + HT.formatNumber(p.p, 4) +
        "; " + HT.escape(gettext("p after FDR")) + " = " + HT.formatNumber(p.p_fdr, 4) + "</p></div>"
      );
    },
  });
  const hotspotFetch = slot();

  function hotspotResolution(zoom) {
    if (zoom < 11.5) return 6;
    if (zoom < 12.5) return 7;
    if (zoom < 14) return 8;
    return 9;
  }

  function loadHotspots(query) {
    if (!map.hasLayer(hotspotLayer)) return;
    hotspotFetch(urls.hotspots, Object.assign({ resolution: hotspotResolution(map.getZoom()) }, query))
      .then(function (result) {
        hotspotLayer.clearLayers();
        hotspotLayer.addData(result.body);
        const hot = result.body.features.filter(function (f) { return f.properties.class === "hot"; }).length;
        const cold = result.body.features.filter(function (f) { return f.properties.class === "cold"; }).length;
        legends.hotspots = HT.format(
          gettext("Gi* on %(cells)s hexagons: %(hot)s hot, %(cold)s cold (false discovery rate %(alpha)s)"),
          { cells: HT.formatNumber(result.body.cells), hot: hot, cold: cold, alpha: percent(result.body.alpha) }
        );
        $("map").dataset.hotspots = String(hot + cold);
        drawLegend();
        showError("hotspots", null);
      })
      .catch(function (error) {
        hotspotLayer.clearLayers();
        legends.hotspots = "";
        drawLegend();
        showError("hotspots", error);
      });
  }

  /* Choropleth by unit (plan-choropleth.js) ------------------------------------------ */

  const choropleth = HT.planChoropleth(map, {
    legendChanged: drawLegend,
  });

  /* Legend (a map control) ----------------------------------------------------------- */

  const legends = { hotspots: "" };
  const legendControl = L.control({ position: "bottomright" });
  legendControl.onAdd = function () {
    const div = L.DomUtil.create("div", "plan-map-legend");
    div.id = "map-legend";
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  legendControl.addTo(map);

  function drawLegend() {
    const div = $("map-legend");
    let text = "";
    const c = choropleth.legend();
    if (map.hasLayer(choropleth.layer) && c) {
      text += "<p class=plan-legend-title>" + HT.escape(c.title) + "</p><ul class=plan-legend>" +
        c.entries.map(function (e) {
          return '<li><span class="plan-swatch" style="--swatch: ' + e.colour + '" aria-hidden="true"></span> ' + HT.escape(e.text) + "</li>";
        }).join("") + "</ul>" + (c.note ? "<p class=plan-legend-note>" + HT.escape(c.note) + "</p>" : "");
    }
    if (map.hasLayer(hotspotLayer) && legends.hotspots) {
      text += "<p class=plan-legend-title>" + HT.escape(gettext("Hot and cold spots")) + "</p><ul class=plan-legend>" +
        [[HOT[99], gettext("hot, 99 %")], [HOT[95], gettext("hot, 95 %")], [HOT[90], gettext("hot, 90 %")],
          [COLD[90], gettext("cold, 90 %")], [COLD[95], gettext("cold, 95 %")], [COLD[99], gettext("cold, 99 %")]]
          .map(function (e) {
            return '<li><span class="plan-swatch" style="--swatch: ' + e[0] + '" aria-hidden="true"></span> ' + HT.escape(e[1]) + "</li>";
          }).join("") + "</ul><p class=plan-legend-note>" + HT.escape(legends.hotspots) + "</p>";
    }
    div.innerHTML = text;
    div.hidden = !text;
  }

  /* Statistics, chart ---------------------------------------------------------------- */

  let filterController = null;

  function monthsBetween(first, last) {
    const out = [];
    let [year, month] = first.split("-").map(Number);
    const [endYear, endMonth] = last.split("-").map(Number);
    while (year < endYear || (year === endYear && month <= endMonth)) {
      out.push(year + "-" + String(month).padStart(2, "0"));
      month += 1;
      if (month > 12) { month = 1; year += 1; }
    }
    return out;
  }

  /** The chart from the selection's statistics (``by_month_category``): the largest
   * categories stacked, the rest as one grey series. */
  function loadChart(stats) {
    const chart = $("chart");
    if (!stats.by_month.length) {
      HT.planChart.render(chart, { months: [], series: [] });
      return;
    }
    const axis = monthsBetween(stats.by_month[0].month, stats.by_month[stats.by_month.length - 1].month);
    const index = {};
    axis.forEach(function (m, i) { index[m] = i; });
    const top = stats.by_category.slice(0, SERIES_COLOURS.length);
    const position = {};
    top.forEach(function (row, i) { position[row.code] = i; });
    const series = top.map(function (row, i) {
      return { name: categoryName(row.code), colour: SERIES_COLOURS[i], values: axis.map(function () { return 0; }) };
    });
    const other = axis.map(function () { return 0; });
    stats.by_month_category.forEach(function (row) {
      const values = row.category in position ? series[position[row.category]].values : other;
      values[index[row.month]] += row.count;
    });
    if (stats.by_category.length > top.length) {
      series.push({ name: gettext("Other categories"), colour: OTHER_COLOUR, values: other });
    }
    HT.planChart.render(chart, { months: axis, series: series });
  }

  function showStats(stats) {
    const total = $("total-selection");
    total.textContent = HT.formatNumber(stats.total);
    total.dataset.total = String(stats.total);
    const median = stats.resolution_hours.median;
    $("median-hours").textContent = median === null
      ? "–"
      : median < 48
        ? HT.format(gettext("%(hours)s hours"), { hours: HT.formatNumber(median, 1) })
        : HT.format(gettext("%(days)s days"), { days: HT.formatNumber(median / 24, 1) });
    $("open-overdue").textContent = HT.format(gettext("%(rate)s (%(part)s of %(whole)s)"), {
      rate: percent(stats.overdue.open_overdue_rate),
      part: HT.formatNumber(stats.overdue.open_overdue),
      whole: HT.formatNumber(stats.overdue.open),
    });
    $("resolved-late").textContent = HT.format(gettext("%(rate)s (%(part)s of %(whole)s)"), {
      rate: percent(stats.overdue.resolved_late_rate),
      part: HT.formatNumber(stats.overdue.resolved_late),
      whole: HT.formatNumber(stats.overdue.resolved_with_deadline),
    });
  }

  let lastStats = null;

  function loadFigures() {
    if (filterController) filterController.abort();
    filterController = new AbortController();
    const signal = filterController.signal;
    const query = filterQuery();
    $("chart").setAttribute("aria-busy", "true");
    statsRequest(query, signal)
      .then(function (stats) {
        lastStats = { stats: stats, query: query };
        showStats(stats);
        showError("stats", null);
        loadChart(stats);
        return choropleth.load(stats, query, signal);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") $("chart").removeAttribute("aria-busy");
        showError("stats", error);
      });
  }

  /* View-dependent layers and exports ------------------------------------------------ */

  function viewQuery() {
    return Object.assign({ bbox: bboxOf(map.getBounds()), zoom: map.getZoom() }, filterQuery());
  }

  function updateExports() {
    const query = queryString(Object.assign({ bbox: bboxOf(map.getBounds()) }, filterQuery()));
    $("export-csv").href = urls.export_csv + "?" + query;
    $("export-geojson").href = urls.export_geojson + "?" + query;
  }

  /** An export holds at most config.export_max_rows reports: over that, the links
   * are disabled with the reason rather than downloading the API's error. */
  function limitExports(total) {
    const over = total > config.export_max_rows;
    ["export-csv", "export-geojson"].forEach(function (id) {
      const link = $(id);
      if (over) {
        link.removeAttribute("href");
        link.setAttribute("aria-disabled", "true");
      } else {
        link.removeAttribute("aria-disabled");
      }
    });
    const note = $("export-limit");
    note.hidden = !over;
    note.textContent = over
      ? HT.format(
          gettext("The view holds %(count)s reports; an export holds at most %(max)s. Zoom in or narrow the filters."),
          { count: HT.formatNumber(total), max: HT.formatNumber(config.export_max_rows) }
        )
      : "";
  }

  function loadView() {
    const query = viewQuery();
    loadClusters(query);
    loadHeat(Object.assign({}, query, { bbox: bboxOf(map.getBounds().pad(0.25)) }));
    const hotspotQuery = Object.assign({}, query);
    delete hotspotQuery.zoom;
    loadHotspots(hotspotQuery);
    updateExports();
    P.writeAddress(map);
  }

  let timer = null;
  function loadViewSoon() {
    clearTimeout(timer);
    timer = setTimeout(loadView, DEBOUNCE_MS);
  }

  /* Wiring ------------------------------------------------------------------------- */

  const layers = { clusters: clusterLayer, heat: heatLayer, hotspots: hotspotLayer, choropleth: choropleth.layer };

  function syncLayers() {
    const on = layersOn();
    Object.keys(layers).forEach(function (name) {
      const wanted = on.indexOf(name) >= 0;
      if (wanted && !map.hasLayer(layers[name])) map.addLayer(layers[name]);
      if (!wanted && map.hasLayer(layers[name])) map.removeLayer(layers[name]);
    });
    $("measure-choices").classList.toggle("plan-muted", on.indexOf("choropleth") < 0);
  }

  function filtersChanged() {
    P.showPeriod();
    P.showChosen();
    choropleth.reset();
    loadFigures();
    loadView();
  }

  form.addEventListener("change", filtersChanged);
  if (monthFrom) {
    // While a thumb is dragged the dates follow; the data follow when it is let go.
    monthFrom.addEventListener("input", P.showPeriod);
    monthTo.addEventListener("input", P.showPeriod);
  }
  $("filters-clear").addEventListener("click", function () {
    form.querySelectorAll("input[type=checkbox]").forEach(function (i) { i.checked = false; });
    $("unit").value = "";
    $("department").value = "";
    if (monthFrom) {
      monthFrom.value = 0;
      monthTo.value = months.length - 1;
    }
    filtersChanged();
  });
  $("layers").addEventListener("change", function (event) {
    syncLayers();
    const target = event.target;
    if (target.id === "choropleth-set") choropleth.reset();
    if (target.name === "measure" || target.value === "choropleth" || target.id === "choropleth-set") {
      if (map.hasLayer(choropleth.layer) && lastStats) {
        choropleth
          .refresh(lastStats.stats, lastStats.query, filterController.signal)
          .catch(function (error) { showError("choropleth", error); });
      }
    }
    if (target.value === "heat") loadHeat(Object.assign({}, viewQuery(), { bbox: bboxOf(map.getBounds().pad(0.25)) }));
    if (target.value === "hotspots") {
      const query = viewQuery();
      delete query.zoom;
      loadHotspots(query);
    }
    if (target.value === "clusters" && map.hasLayer(clusterLayer)) loadClusters(viewQuery());
    drawLegend();
    P.writeAddress(map);
  });

  syncLayers();
  drawLegend();
  map.on("moveend", loadViewSoon);
  loadFigures();
  loadView();
})();
