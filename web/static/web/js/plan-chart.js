/* The planners' small chart (HT.planChart): reports per month as stacked bars, one
 * colour per category, in inline SVG with a title and description, a legend and the
 * figures as a table for screen readers and for copying. No chart library.
 *
 *   HT.planChart.render(element, {
 *     months: ["2025-01", …],
 *     series: [{name, colour, values: [n per month]}, …],   // bottom to top
 *   });
 */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 360;
  const HEIGHT = 190;
  const PAD = { left: 40, right: 8, top: 10, bottom: 26 };

  function svg(name, attributes, parent) {
    const element = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    if (parent) parent.appendChild(element);
    return element;
  }

  function html(name, attributes, text) {
    const element = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  /** A round axis maximum at or above `value`, and its tick step (1, 2 or 5 × 10ⁿ). */
  function niceScale(value, ticks) {
    if (value <= 0) return { max: 1, step: 1 };
    const rough = value / ticks;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 5, 10].map(function (f) { return f * power; }).find(function (s) {
      return s >= rough;
    });
    const wholeStep = Math.max(1, step);
    return { max: Math.ceil(value / wholeStep) * wholeStep, step: wholeStep };
  }

  /** "yyyy-mm" → "mm/yyyy". */
  function monthLabel(month) {
    return month.slice(5, 7) + "/" + month.slice(0, 4);
  }

  function render(element, data) {
    element.textContent = "";
    element.removeAttribute("aria-busy");
    const months = data.months;
    if (!months.length) {
      element.appendChild(html("p", { class: "help" }, gettext("No reports in the selection.")));
      return;
    }
    const totals = months.map(function (_, i) {
      return data.series.reduce(function (sum, s) { return sum + s.values[i]; }, 0);
    });
    const grand = totals.reduce(function (a, b) { return a + b; }, 0);
    const peak = Math.max.apply(null, totals);
    const scale = niceScale(peak, 4);
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const slot = plotW / months.length;
    const barW = Math.max(1, slot * 0.78);
    const y = function (v) { return PAD.top + plotH - (v / scale.max) * plotH; };

    const id = "chart-" + Math.random().toString(36).slice(2, 8);
    const root = svg("svg", {
      viewBox: "0 0 " + WIDTH + " " + HEIGHT,
      class: "plan-chart-svg",
      role: "img",
      "aria-labelledby": id + "-title " + id + "-desc",
    });
    svg("title", { id: id + "-title" }, root).textContent = gettext("Reports per month by category");
    svg("desc", { id: id + "-desc" }, root).textContent = HT.format(
      gettext("%(total)s reports from %(first)s to %(last)s; the busiest month had %(peak)s. The table below gives every figure."),
      {
        total: HT.formatNumber(grand),
        first: monthLabel(months[0]),
        last: monthLabel(months[months.length - 1]),
        peak: HT.formatNumber(peak),
      }
    );
    // Grid lines and the count axis.
    const axis = svg("g", { class: "plan-chart-axis", "aria-hidden": "true" }, root);
    for (let v = 0; v <= scale.max; v += scale.step) {
      svg("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(v), y2: y(v) }, axis);
      svg("text", { x: PAD.left - 4, y: y(v) + 3, "text-anchor": "end" }, axis).textContent = HT.formatNumber(v);
    }
    // Month labels: about five, always the first and the last.
    const every = Math.max(1, Math.ceil(months.length / 5));
    months.forEach(function (month, i) {
      if (i % every !== 0 && i !== months.length - 1) return;
      if (i !== months.length - 1 && months.length - 1 - i < every) return; // room for the last
      const anchor = i === 0 ? "start" : i === months.length - 1 ? "end" : "middle";
      const x = i === 0 ? PAD.left : i === months.length - 1 ? WIDTH - PAD.right : PAD.left + slot * (i + 0.5);
      svg("text", { x: x, y: HEIGHT - 8, "text-anchor": anchor }, axis).textContent = monthLabel(month);
    });
    // Stacked bars.
    const bars = svg("g", { class: "plan-chart-bars" }, root);
    months.forEach(function (month, i) {
      let base = 0;
      const x = PAD.left + slot * i + (slot - barW) / 2;
      data.series.forEach(function (series) {
        const value = series.values[i];
        if (!value) return;
        const rect = svg("rect", {
          x: x.toFixed(2),
          y: y(base + value).toFixed(2),
          width: barW.toFixed(2),
          height: Math.max(0.5, y(base) - y(base + value)).toFixed(2),
          fill: series.colour,
        }, bars);
        svg("title", {}, rect).textContent =
          monthLabel(month) + " · " + series.name + ": " + HT.formatNumber(value);
        base += value;
      });
    });
    element.appendChild(root);

    // Legend.
    const legend = html("ul", { class: "plan-legend" });
    data.series.forEach(function (series) {
      const item = html("li");
      const swatch = html("span", { class: "plan-swatch", "aria-hidden": "true" });
      swatch.style.setProperty("--swatch", series.colour);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + series.name));
      legend.appendChild(item);
    });
    element.appendChild(legend);

    // The figures as a table.
    const details = html("details", { class: "plan-table-details" });
    details.appendChild(html("summary", {}, gettext("Figures as a table")));
    const wrap = html("div", { class: "plan-table-wrap" });
    const table = html("table", { class: "plan-table" });
    table.appendChild(html("caption", {}, gettext("Reports per month by category")));
    const head = html("tr");
    head.appendChild(html("th", { scope: "col" }, gettext("Month")));
    data.series.forEach(function (series) { head.appendChild(html("th", { scope: "col" }, series.name)); });
    head.appendChild(html("th", { scope: "col" }, gettext("Total")));
    table.appendChild(html("thead")).appendChild(head);
    const body = table.appendChild(html("tbody"));
    months.forEach(function (month, i) {
      const row = html("tr");
      row.appendChild(html("th", { scope: "row" }, monthLabel(month)));
      data.series.forEach(function (series) { row.appendChild(html("td", {}, HT.formatNumber(series.values[i]))); });
      row.appendChild(html("td", {}, HT.formatNumber(totals[i])));
      body.appendChild(row);
    });
    wrap.appendChild(table);
    details.appendChild(wrap);
    element.appendChild(details);
    element.dataset.total = String(grand);
  }

  HT.planChart = { render: render, niceScale: niceScale, monthLabel: monthLabel };
})();
