/* The planners' map, part 2 (HT.planChoropleth): the units coloured by their number
 * of reports or by a deadline rate, with the figures as a table.
 *
 * Counts come from the selection's statistics (``by_unit``), joined by GSO code to
 * the units of one boundary set (the one in force at the end of the period, unless
 * another is chosen): the API's unit filter matches a code in every set, so a unit's
 * figures are the sums of the rows of its code, the same as its own statistics'.
 * Reports in units whose code the set does not have are counted in the legend's
 * note, not hidden. The rates come from the same rows (open, open past the deadline,
 * resolved with a deadline, resolved late), so the map needs no request of its own
 * but the units' outlines.
 *
 *   const choropleth = HT.planChoropleth(map, {legendChanged});
 *   choropleth.load(stats, query, signal)   // after the filters changed
 *   choropleth.refresh(stats, query, signal) // after the measure or the set changed
 */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const CHOROPLETH = ["#fff5d6", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000"];
  const NO_DATA = "#e3e6ea";
  const RATE_BREAKS = [0.1, 0.2, 0.35, 0.5];

  /** hooks.legendChanged(): the legend must be drawn again. */
  function create(map, hooks) {
    const P = HT.plan;
    const $ = P.$;
    const config = P.config;
    const urls = P.urls;
    const months = P.months;
    const measure = P.measure;
    const percent = P.percent;
    const dayText = P.dayText;
    const lastDay = P.lastDay;
    let legend = null;

    const choroplethLayer = L.geoJSON(null, {
      pane: "plan-choropleth",
      style: function () {
        return { color: "#4b5d6e", weight: 1, fillOpacity: 0.75, fillColor: NO_DATA };
      },
    });
    const unitShapes = {}; // boundary set slug → promise of its units' GeoJSON
    let unitFigures = null; // {set, byCode: {code: {count, overdue, late, …}}, outside}

    /** The set to colour: the one in force at the end of the period if reports lie in
     * it, else the one holding most of them. */
    function chooseSet(byUnit, query) {
      if ($("choropleth-set").value) return $("choropleth-set").value;
      const counts = {};
      byUnit.forEach(function (row) {
        if (row.boundary_set) counts[row.boundary_set] = (counts[row.boundary_set] || 0) + row.count;
      });
      const end = query.to || (months.length ? lastDay(months[months.length - 1]) : config.map.date);
      const inForce = (config.boundary_sets || []).find(function (s) {
        return s.valid_from <= end && (!s.valid_to || s.valid_to >= end);
      });
      if (inForce && counts[inForce.slug]) return inForce.slug;
      const slugs = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; });
      return slugs[0] || (inForce ? inForce.slug : null);
    }

    function unitsOf(slug) {
      if (!unitShapes[slug]) {
        unitShapes[slug] = HT.api(urls.units, {
          query: { set: slug, level: config.map.unit_levels.join(","), simplify: 13 },
        }).then(function (r) { return r.body; });
        unitShapes[slug].catch(function () { delete unitShapes[slug]; });
      }
      return unitShapes[slug];
    }

    function breaks(values) {
      const max = Math.max.apply(null, values.concat([1]));
      const scale = HT.planChart.niceScale(max, CHOROPLETH.length);
      const step = scale.max / CHOROPLETH.length;
      return [1, 2, 3, 4].map(function (i) { return step * i; });
    }

    function classOf(value, limits) {
      let i = 0;
      while (i < limits.length && value >= limits[i]) i++;
      return i;
    }

    function figureOf(figures, code, kind) {
      const f = figures.byCode[code];
      if (!f) return kind === "count" ? 0 : null;
      if (kind === "count") return f.count;
      return kind === "overdue" ? f.overdue : f.late;
    }

    function drawChoropleth() {
      choroplethLayer.clearLayers();
      if (!unitFigures || !unitFigures.shapes) {
        legend = null;
        hooks.legendChanged();
        return;
      }
      const kind = measure();
      const figures = unitFigures;
      const codes = figures.shapes.features.map(function (f) { return f.properties.code; });
      const limits = kind === "count"
        ? breaks(codes.map(function (c) { return figureOf(figures, c, "count"); }))
        : RATE_BREAKS;
      choroplethLayer.options.style = function (feature) {
        const value = figureOf(figures, feature.properties.code, kind);
        const colour = value === null || (kind === "count" && value === 0) ? NO_DATA : CHOROPLETH[classOf(value, limits)];
        return { color: "#4b5d6e", weight: 1, fillOpacity: 0.78, fillColor: colour };
      };
      choroplethLayer.options.onEachFeature = function (feature, layer) {
        const f = figures.byCode[feature.properties.code];
        const lines = [HT.format(gettext("%(count)s reports"), { count: HT.formatNumber(f ? f.count : 0) })];
        if (f && f.overdue !== undefined) {
          lines.push(HT.format(gettext("Open past the deadline: %(rate)s (%(part)s of %(whole)s)"), {
            rate: percent(f.overdue), part: HT.formatNumber(f.openOverdue), whole: HT.formatNumber(f.open),
          }));
          lines.push(HT.format(gettext("Resolved late: %(rate)s (%(part)s of %(whole)s)"), {
            rate: percent(f.late), part: HT.formatNumber(f.resolvedLate), whole: HT.formatNumber(f.resolvedWithDeadline),
          }));
        }
        layer.bindPopup(
          '<div class="plan-popup"><p class="plan-popup-title">' + HT.escape(feature.properties.name) + "</p><p>" +
          lines.map(HT.escape).join("<br>") + "</p></div>"
        );
      };
      choroplethLayer.addData(figures.shapes);
      const entries = [];
      const label = function (v) { return kind === "count" ? HT.formatNumber(v) : percent(v); };
      CHOROPLETH.forEach(function (colour, i) {
        const low = i === 0 ? (kind === "count" ? 1 : 0) : limits[i - 1];
        const high = limits[i];
        entries.push({
          colour: colour,
          text: high === undefined ? "≥ " + label(low) : label(low) + " – " + (kind === "count" ? label(high - 1) : "< " + label(high)),
        });
      });
      entries.push({ colour: NO_DATA, text: kind === "count" ? gettext("no reports") : gettext("no figures") });
      const title = kind === "count"
        ? gettext("Reports per unit")
        : kind === "overdue" ? gettext("Open reports past their deadline") : gettext("Resolved after the deadline");
      const set = (config.boundary_sets || []).find(function (s) { return s.slug === figures.set; });
      let note = "";
      if (set) {
        note = set.valid_to
          ? HT.format(gettext("Boundaries %(start)s – %(end)s"), { start: dayText(set.valid_from), end: dayText(set.valid_to) })
          : HT.format(gettext("Boundaries from %(start)s"), { start: dayText(set.valid_from) });
      }
      if (figures.outside) {
        note += (note ? ". " : "") + HT.format(
          gettext("%(count)s reports lie in units of other boundary sets and are not coloured."),
          { count: HT.formatNumber(figures.outside) }
        );
      }
      legend = { title: title, entries: entries, note: note };
      $("map").dataset.choropleth = String(choroplethLayer.getLayers().length);
      hooks.legendChanged();
      drawUnitTable(figures, kind);
    }

    function drawUnitTable(figures, kind) {
      let details = $("unit-table");
      if (!details) {
        details = document.createElement("details");
        details.id = "unit-table";
        details.className = "plan-table-details";
        $("chart").parentNode.appendChild(details);
      }
      const rows = figures.shapes.features
        .map(function (f) { return { name: f.properties.name, code: f.properties.code, f: figures.byCode[f.properties.code] }; })
        .filter(function (r) { return r.f && r.f.count; })
        .sort(function (a, b) { return b.f.count - a.f.count; });
      details.innerHTML =
        "<summary>" + HT.escape(gettext("Figures by unit")) + "</summary><div class=plan-table-wrap><table class=plan-table><thead><tr><th scope=col>" +
        HT.escape(gettext("Unit")) + "</th><th scope=col>" + HT.escape(gettext("Reports")) + "</th>" +
        (kind === "count" ? "" : "<th scope=col>" + HT.escape(gettext("Open past the deadline")) + "</th><th scope=col>" + HT.escape(gettext("Resolved late")) + "</th>") +
        "</tr></thead><tbody>" +
        rows.map(function (r) {
          return "<tr><th scope=row>" + HT.escape(r.name) + "</th><td>" + HT.formatNumber(r.f.count) + "</td>" +
            (kind === "count" ? "" : "<td>" + percent(r.f.overdue) + "</td><td>" + percent(r.f.late) + "</td>") + "</tr>";
        }).join("") +
        "</tbody></table></div>";
    }

    /** A rate as the API gives it: rounded to 4 decimals, null without a whole. */
    function share(part, whole) {
      return whole ? Math.round((part / whole) * 10000) / 10000 : null;
    }

    /** Counts and deadline figures by unit code from the selection's statistics. */
    function loadChoropleth(stats, query, signal) {
      if (!map.hasLayer(choroplethLayer)) return Promise.resolve();
      const slug = chooseSet(stats.by_unit, query);
      if (!slug) {
        unitFigures = null;
        return Promise.resolve();
      }
      return unitsOf(slug).then(function (shapes) {
        if (signal.aborted) return;
        const inSet = {};
        shapes.features.forEach(function (f) { inSet[f.properties.code] = true; });
        const byCode = {};
        let outside = 0;
        stats.by_unit.forEach(function (row) {
          if (!inSet[row.code]) {
            outside += row.count;
            return;
          }
          const f = (byCode[row.code] = byCode[row.code] ||
            { count: 0, open: 0, openOverdue: 0, resolvedWithDeadline: 0, resolvedLate: 0 });
          f.count += row.count;
          f.open += row.open;
          f.openOverdue += row.open_overdue;
          f.resolvedWithDeadline += row.resolved_with_deadline;
          f.resolvedLate += row.resolved_late;
        });
        Object.keys(byCode).forEach(function (code) {
          const f = byCode[code];
          f.overdue = share(f.openOverdue, f.open);
          f.late = share(f.resolvedLate, f.resolvedWithDeadline);
        });
        unitFigures = { set: slug, shapes: shapes, byCode: byCode, outside: outside, query: P.queryString(query) };
      });
    }

    /** Draw the figures joined last, if the layer is shown; ``data-rates`` on the map
     * says a rate is drawn. */
    function draw(signal) {
      if (signal.aborted || !map.hasLayer(choroplethLayer)) return;
      drawChoropleth();
      if (unitFigures && measure() !== "count") $("map").dataset.rates = "1";
      else delete $("map").dataset.rates;
    }

    return {
      layer: choroplethLayer,
      legend: function () { return legend; },
      reset: function () {
        unitFigures = null;
        delete $("map").dataset.rates;
      },
      load: function (stats, query, signal) {
        return loadChoropleth(stats, query, signal).then(function () { draw(signal); });
      },
      /** Draw again for another measure or set: the figures already joined are kept
       * while the filters stay the same. */
      refresh: function (stats, query, signal) {
        if (unitFigures && unitFigures.query === P.queryString(query)) {
          draw(signal);
          return Promise.resolve();
        }
        return loadChoropleth(stats, query, signal).then(function () { draw(signal); });
      },
    };
  }

  HT.planChoropleth = create;
})();
