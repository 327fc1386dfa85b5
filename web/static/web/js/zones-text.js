/* What the zone editor calls things (HT.zonesText): departments, categories and zones
 * by name in the page's language, areas, the repairs the server makes, history values
 * and the impact in a sentence. Built from the page configuration:
 *
 *   const text = HT.zonesText.create(HT.config());
 *   text.departmentName("dh-qldt"); text.formatArea(422039); */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const gettext = window.gettext;

  // The server's repairs (geo.repair), in English: shown in the page's language.
  const REPAIRS = [
    [/^made valid: (.*)$/, function (m) { return HT.format(gettext("Made valid (%(reason)s)"), { reason: m[1] }); }],
    [/^dissolved parts/, function () { return gettext("Polygons that overlapped or shared an edge are merged into one."); }],
    [/^dropped non-polygonal/, function () { return gettext("Lines or points left by the repair are dropped."); }],
    [/^dropped Z/, function () { return gettext("Heights (Z coordinates) are dropped."); }],
  ];

  function create(config) {
    const departments = new Map(config.departments.map(function (d) { return [d.code, d]; }));
    const categories = new Map(config.categories.map(function (c) { return [c.code, c]; }));
    // Names of every zone seen on this page, kept after a zone leaves the list (a
    // replaced version is still named in the history of its successor).
    const zoneNames = new Map();

    function departmentName(code) {
      const d = departments.get(code);
      return d ? d.name : code;
    }

    function categoryName(code) {
      const c = categories.get(code);
      return c ? c.name : code;
    }

    function formatArea(m2) {
      if (m2 >= 1e5) return HT.formatNumber(m2 / 1e6, 2) + " km²";
      return HT.formatNumber(m2) + " m²";
    }

    function zoneName(id) {
      return zoneNames.has(id) ? zoneNames.get(id) : null;
    }

    /** A zone's name, or its number when the page never saw it. */
    function zoneLabel(id) {
      return zoneName(id) || "#" + id;
    }

    function valueText(field, value) {
      if (value === null || value === undefined || value === "") return "—";
      if (field === "department") return departmentName(value);
      if (field === "categories") return (value || []).map(categoryName).join(", ");
      if (field === "area_m2") return formatArea(value);
      if (field === "valid_from" || field === "valid_to") return HT.formatDate(value, true);
      if (field === "replaces" || field === "by") {
        const name = zoneName(value);
        return name ? "«" + name + "» (#" + value + ")" : "#" + value;
      }
      if (field === "retires") return value ? gettext("yes") : gettext("no");
      if (typeof value === "number") return HT.formatNumber(value, 1);
      return String(value);
    }

    return {
      departmentName: departmentName,
      categoryName: categoryName,
      formatArea: formatArea,
      zoneName: zoneName,
      zoneLabel: zoneLabel,
      valueText: valueText,

      departmentColour: function (code) {
        const d = departments.get(code);
        return d ? d.colour : "#525252";
      },

      statusLabel: function (feature) {
        return config.statuses[feature.properties.status] || feature.properties.status;
      },

      /** Remember the names of the zones listed. */
      remember: function (features) {
        features.forEach(function (f) { zoneNames.set(f.id, f.properties.name); });
      },

      /** "Replaces «…»" or "Ends «…»" for a draft started from a published zone. */
      draftNote: function (properties) {
        if (!properties.replaces) return "";
        return HT.format(properties.retires ? gettext("Ends «%(name)s»") : gettext("Replaces «%(name)s»"), {
          name: zoneLabel(properties.replaces),
        });
      },

      repairText: function (text) {
        for (let i = 0; i < REPAIRS.length; i++) {
          const match = String(text).match(REPAIRS[i][0]);
          if (match) return REPAIRS[i][1](match);
        }
        return String(text);
      },

      /** A history row's changes as list items: "field: old → new" or "field: value". */
      changesHtml: function (changes) {
        return Object.keys(changes || {}).map(function (field) {
          const value = changes[field];
          const label = config.fields[field] || field;
          const change = value && typeof value === "object" && !Array.isArray(value) && "old" in value
            ? "<del>" + HT.escape(valueText(field, value.old)) + "</del> → <ins>" + HT.escape(valueText(field, value.new)) + "</ins>"
            : HT.escape(valueText(field, value));
          return '<li><span class="change-field">' + HT.escape(label) + ":</span> " + change + "</li>";
        }).join("");
      },

      impactSentence: function (impact) {
        return HT.format(
          gettext("If published now, %(open)s of %(open_total)s open reports and %(past)s of %(past_total)s earlier reports would go to another department."),
          {
            open: HT.formatNumber(impact.open.changed),
            open_total: HT.formatNumber(impact.open.total),
            past: HT.formatNumber(impact.past.changed),
            past_total: HT.formatNumber(impact.past.total),
          }
        );
      },
    };
  }

  HT.zonesText = { create: create };
})();
