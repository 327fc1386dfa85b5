/* The planners' map, part 1 (HT.plan): the filters and the page's address, and the
 * small helpers the other parts share (requests, labels, dates). The controls are the
 * state: the API's parameters are read from them, and the address (query string)
 * records them, with the layers and the map view, so that a view can be shared.
 * Loaded before plan-choropleth.js and plan.js. */
(function () {
  "use strict";

  const HT = window.HT;
  const config = HT.config();
  const urls = config.urls;
  const months = config.months || [];
  const categories = {};
  (config.categories || []).forEach(function (c) { categories[c.code] = c; });
  const statuses = config.statuses || {};

  const $ = function (id) { return document.getElementById(id); };
  const form = $("plan-filters");
  const monthFrom = $("month-from");
  const monthTo = $("month-to");

  /* Filters and the address ---------------------------------------------------- */

  function lastDay(month) {
    const [year, mm] = month.split("-").map(Number);
    const day = new Date(Date.UTC(year, mm, 0)).getUTCDate();
    return month + "-" + String(day).padStart(2, "0");
  }

  function checked(name) {
    return Array.from(form.querySelectorAll("input[name=" + name + "]:checked")).map(function (i) {
      return i.value;
    });
  }

  /** The API's filter parameters for the controls' state (empty ones left out). */
  function filterQuery() {
    const query = {};
    if (monthFrom && months.length) {
      const from = Number(monthFrom.value), to = Number(monthTo.value);
      if (from > 0) query.from = months[from] + "-01";
      if (to < months.length - 1) query.to = lastDay(months[to]);
    }
    const chosenCategories = checked("category");
    if (chosenCategories.length) query.category = chosenCategories.join(",");
    const chosenStatuses = checked("status");
    if (chosenStatuses.length) query.status = chosenStatuses.join(",");
    if ($("unit").value) query.unit = $("unit").value;
    if ($("department").value) query.department = $("department").value;
    return query;
  }

  function layersOn() {
    return Array.from(document.querySelectorAll("#layers input[name=layer]:checked")).map(function (i) {
      return i.value;
    });
  }

  function measure() {
    return document.querySelector("#layers input[name=measure]:checked").value;
  }

  function bboxOf(bounds) {
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(5); })
      .join(",");
  }

  function queryString(values) {
    const query = new URLSearchParams();
    Object.keys(values).forEach(function (key) {
      if (values[key] !== undefined && values[key] !== null && values[key] !== "") query.set(key, values[key]);
    });
    return query.toString();
  }

  /** The page's state in its address: filters, layers, measure and map view. */
  function writeAddress(map) {
    const state = Object.assign({}, filterQuery(), {
      layers: layersOn().join(",") || "none",
      measure: measure() === "count" ? "" : measure(),
      set: $("choropleth-set").value,
    });
    if (map) {
      const centre = map.getCenter();
      state.at = [centre.lat.toFixed(5), centre.lng.toFixed(5), map.getZoom()].join(",");
    }
    const text = queryString(state);
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  /** Set the controls from the address; returns the map view it names, if any. */
  function readAddress() {
    const query = new URLSearchParams(location.search);
    if (monthFrom && months.length) {
      const from = (query.get("from") || "").slice(0, 7);
      const to = (query.get("to") || "").slice(0, 7);
      const fromIndex = months.indexOf(from);
      const toIndex = months.indexOf(to);
      monthFrom.value = fromIndex >= 0 ? fromIndex : from && from > months[months.length - 1] ? months.length - 1 : 0;
      monthTo.value = toIndex >= 0 ? toIndex : to && to < months[0] ? 0 : months.length - 1;
    }
    ["category", "status"].forEach(function (name) {
      const chosen = (query.get(name) || "").split(",");
      form.querySelectorAll("input[name=" + name + "]").forEach(function (input) {
        input.checked = chosen.indexOf(input.value) >= 0;
      });
    });
    ["unit", "department"].forEach(function (name) {
      const value = query.get(name) || "";
      const select = $(name);
      if (value && !select.querySelector("option[value='" + CSS.escape(value) + "']")) {
        select.appendChild(new Option(value, value)); // a shared link's unlisted code
      }
      select.value = value;
    });
    if (query.has("layers")) {
      const layers = query.get("layers").split(",");
      document.querySelectorAll("#layers input[name=layer]").forEach(function (input) {
        input.checked = layers.indexOf(input.value) >= 0;
      });
    }
    const wanted = query.get("measure");
    document.querySelectorAll("#layers input[name=measure]").forEach(function (input) {
      input.checked = input.value === (wanted || "count");
    });
    if (!document.querySelector("#layers input[name=measure]:checked")) {
      document.querySelector("#layers input[name=measure][value=count]").checked = true;
    }
    const chosenSet = query.get("set") || "";
    $("choropleth-set").value = $("choropleth-set").querySelector("option[value='" + CSS.escape(chosenSet) + "']")
      ? chosenSet
      : "";
    const at = (query.get("at") || "").split(",").map(Number);
    if (at.length === 3 && at.every(Number.isFinite)) return { center: [at[0], at[1]], zoom: at[2] };
    return null;
  }

  /** "yyyy-mm-dd" → "dd/mm/yyyy" (a calendar day: no time zone to convert). */
  function dayText(iso) {
    return iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4);
  }

  function showPeriod() {
    if (!monthFrom || !months.length) return;
    let from = Number(monthFrom.value), to = Number(monthTo.value);
    if (from > to) {
      // The thumb being moved pushes the other one.
      if (document.activeElement === monthTo) monthFrom.value = from = to;
      else monthTo.value = to = from;
    }
    const first = months[from] + "-01", last = lastDay(months[to]);
    $("month-from-text").textContent = dayText(first);
    $("month-to-text").textContent = dayText(last);
    monthFrom.setAttribute("aria-valuetext", dayText(first));
    monthTo.setAttribute("aria-valuetext", dayText(last));
  }

  function showChosen() {
    [["category", "category-chosen"], ["status", "status-chosen"]].forEach(function (pair) {
      const n = checked(pair[0]).length;
      $(pair[1]).textContent = n ? "(" + HT.format(gettext("%(n)s chosen"), { n: n }) + ")" : "(" + gettext("all") + ")";
    });
  }

  /* Requests ----------------------------------------------------------------------- */

  /** A request slot: a new call aborts the one still running. */
  function slot() {
    let controller = null;
    return function (url, query) {
      if (controller) controller.abort();
      controller = new AbortController();
      return HT.api(url, { query: query, signal: controller.signal });
    };
  }

  function statsRequest(query, signal) {
    return HT.api(urls.stats, { query: query, signal: signal }).then(function (r) { return r.body; });
  }

  function percent(rate) {
    return rate === null || rate === undefined ? "–" : HT.formatNumber(rate * 100, 1) + " %";
  }

  function categoryName(code) {
    return categories[code] ? categories[code].name : code;
  }

  function categoryColour(code) {
    return categories[code] ? categories[code].colour : null;
  }

  function statusName(code) {
    return statuses[code] || code;
  }

  HT.plan = {
    config: config,
    urls: urls,
    months: months,
    $: $,
    lastDay: lastDay,
    dayText: dayText,
    queryString: queryString,
    bboxOf: bboxOf,
    filterQuery: filterQuery,
    layersOn: layersOn,
    measure: measure,
    readAddress: readAddress,
    writeAddress: writeAddress,
    showPeriod: showPeriod,
    showChosen: showChosen,
    slot: slot,
    statsRequest: statsRequest,
    percent: percent,
    categoryName: categoryName,
    categoryColour: categoryColour,
    statusName: statusName,
  };
})();
