/* What the preview of drafts found (HT.zonesFindings): the topology findings drawn on
 * the map (HT.zonesMap.topologyLayer) and listed with a button to show each, and the
 * impact on reports — how many would change department, from → to, by ward or
 * commune, and a sample of them.
 *
 *   const ok = HT.zonesFindings.render(preview, {topology, impact, categories, layer,
 *                                      text, fit, trackUrl}); */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const L = window.L;
  const gettext = window.gettext;
  const ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showButton(label, bounds, fit) {
    const button = element("button", "link-button", label);
    button.type = "button";
    button.addEventListener("click", function () { fit(bounds); });
    return button;
  }

  /* Topology ------------------------------------------------------------------------ */

  function tooltips(text) {
    return {
      gap: function (gap, part) {
        return HT.escape(HT.format(gettext("Gap for %(category)s: %(area)s not covered by any zone"), {
          category: text.categoryName(gap.category), area: text.formatArea(part.area_m2),
        }));
      },
      overlap: function (o) {
        return HT.escape(HT.format(gettext("Overlap of «%(a)s» and «%(b)s» (priority %(priority)s): %(area)s"), {
          a: o.names[0], b: o.names[1], priority: o.priority, area: text.formatArea(o.area_m2),
        }));
      },
      invalid: function (item) {
        return HT.escape(HT.format(gettext("Invalid zone «%(name)s»: %(reason)s"), item));
      },
    };
  }

  function gapItem(gap, drawn, text, fit) {
    const li = element("li", "finding finding-gap");
    if (gap.no_zones) {
      li.textContent = HT.format(gettext("%(category)s: no zone at all; every report goes to the unit's default department."), {
        category: text.categoryName(gap.category),
      });
      return li;
    }
    li.textContent = HT.format(
      ngettext(
        "Gap for %(category)s: %(area)s in %(parts)s piece not covered by any zone (reports there go to the unit's default department).",
        "Gap for %(category)s: %(area)s in %(parts)s pieces not covered by any zone (reports there go to the unit's default department).",
        gap.parts
      ),
      { category: text.categoryName(gap.category), area: text.formatArea(gap.area_m2), parts: HT.formatNumber(gap.parts) }
    ) + " ";
    drawn.filter(function (g) { return g.gap === gap; }).slice(0, 5).forEach(function (g, index) {
      const label = HT.format(gettext("piece %(n)s (%(area)s)"), { n: index + 1, area: text.formatArea(g.part.area_m2) });
      li.appendChild(showButton(label, g.layer.getBounds(), fit));
      li.appendChild(document.createTextNode(" "));
    });
    return li;
  }

  /** Draw and list the findings; gaps only for `categories` (every other category's
   * gap is the whole province, which says nothing about these drafts). */
  function renderTopology(box, topology, categories, options) {
    const text = options.text;
    const made = options.layer.show(topology, categories, tooltips(text));
    const list = element("ul", "finding-list");
    made.invalid.forEach(function (entry) {
      const li = element("li", "finding finding-invalid",
        HT.format(gettext("Invalid zone «%(name)s»: %(reason)s. Fix it before publishing."), entry.item) + " ");
      li.appendChild(showButton(gettext("Show on the map"), L.latLngBounds([entry.layer.getLatLng()]).pad(0.001), options.fit));
      list.appendChild(li);
    });
    made.overlaps.forEach(function (entry) {
      const o = entry.overlap;
      const li = element("li", "finding finding-overlap", HT.format(
        gettext("Overlap: «%(a)s» and «%(b)s» have the same priority (%(priority)s) for %(categories)s over %(area)s; the smaller zone wins there."),
        { a: o.names[0], b: o.names[1], priority: o.priority, categories: o.categories.map(text.categoryName).join(", "), area: text.formatArea(o.area_m2) }
      ) + " ");
      li.appendChild(showButton(gettext("Show on the map"), entry.layer.getBounds(), options.fit));
      list.appendChild(li);
    });
    topology.gaps.forEach(function (gap) {
      if (categories.indexOf(gap.category) >= 0) list.appendChild(gapItem(gap, made.gaps, text, options.fit));
    });
    if (!made.overlaps.length) {
      list.appendChild(element("li", "finding finding-ok", gettext("No overlap between zones of the same priority and category.")));
    }
    box.innerHTML = "";
    box.appendChild(list);
  }

  /* Impact -------------------------------------------------------------------------- */

  function movesTable(moves, text) {
    const rows = new Map();
    moves.forEach(function (m) {
      const key = m.from + "→" + m.to;
      const row = rows.get(key) || { from: m.from, to: m.to, open: 0, past: 0 };
      row[m.open ? "open" : "past"] += m.reports;
      rows.set(key, row);
    });
    const table = element("table", "impact-table");
    table.innerHTML =
      '<caption class="visually-hidden">' + HT.escape(gettext("Reports that would change department")) + "</caption>" +
      '<thead><tr><th scope="col">' + HT.escape(gettext("From")) + '</th><th scope="col">' + HT.escape(gettext("To")) +
      '</th><th scope="col" class="num">' + HT.escape(gettext("Open reports")) + '</th><th scope="col" class="num">' +
      HT.escape(gettext("Earlier")) + "</th></tr></thead><tbody>" +
      Array.from(rows.values()).map(function (r) {
        return "<tr><td>" + HT.escape(text.departmentName(r.from)) + "</td><td>" + HT.escape(text.departmentName(r.to)) +
          '</td><td class="num">' + HT.formatNumber(r.open) + '</td><td class="num">' + HT.formatNumber(r.past) + "</td></tr>";
      }).join("") + "</tbody>";
    return table;
  }

  function unitsList(units) {
    const list = element("ul", "impact-units");
    units.forEach(function (u) {
      list.appendChild(element("li", "", HT.format(gettext("%(unit)s: %(open)s open, %(past)s earlier"), {
        unit: u.name, open: HT.formatNumber(u.open), past: HT.formatNumber(u.past),
      })));
    });
    return list;
  }

  function sampleList(sample, text, trackUrl) {
    const list = element("ul", "impact-sample");
    sample.forEach(function (s) {
      const li = element("li");
      const link = element("a", "impact-code", s.code);
      link.href = trackUrl.replace("{code}", encodeURIComponent(s.code));
      link.target = "_blank";
      link.rel = "noopener";
      li.appendChild(link);
      li.appendChild(document.createTextNode(" " + HT.format(
        gettext("%(category)s, %(unit)s, %(date)s (%(state)s): %(from)s → %(to)s"),
        {
          category: text.categoryName(s.category),
          unit: s.unit_name,
          date: HT.formatDate(s.reported_at),
          state: s.open ? gettext("open") : gettext("closed"),
          from: text.departmentName(s.from),
          to: text.departmentName(s.to),
        }
      )));
      list.appendChild(li);
    });
    return list;
  }

  function renderImpact(box, impact, options) {
    const text = options.text;
    box.innerHTML = "";
    const figure = element("p", "impact-figure");
    figure.innerHTML =
      '<span class="impact-number" id="impact-open">' + HT.escape(HT.formatNumber(impact.open.changed)) + "</span> " +
      HT.escape(gettext("open reports would change department"));
    box.appendChild(figure);
    box.appendChild(element("p", "help", text.impactSentence(impact)));
    if (!impact.moves.length) return;
    box.appendChild(movesTable(impact.moves, text));
    if (impact.units && impact.units.length) {
      box.appendChild(element("h4", "", gettext("By ward or commune")));
      box.appendChild(unitsList(impact.units));
    }
    if (impact.sample && impact.sample.length) {
      box.appendChild(element("h4", "", gettext("Some of these reports")));
      box.appendChild(sampleList(impact.sample, text, options.trackUrl));
    }
  }

  /** Render a preview (the API's {topology, impact}); true when it may be published. */
  function render(preview, options) {
    renderTopology(options.topology, preview.topology, options.categories, options);
    renderImpact(options.impact, preview.impact, options);
    return preview.topology.ok;
  }

  HT.zonesFindings = { render: render };
})();
