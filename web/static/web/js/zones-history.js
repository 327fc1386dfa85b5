/* A zone's history (HT.zonesHistory): the rows of /zones/<id>/history, newest first,
 * each with the shape before and after it when it changed the shape or stands for a
 * new version (a draft that replaced a zone, a zone replaced by another), listed
 * with their attribute changes.
 *
 *   const entries = HT.zonesHistory.comparisons(feature, rows);
 *   HT.zonesHistory.render(list, entries, {text, actions, onShow}); */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const gettext = window.gettext;

  /** For each row the shapes before and after it: GeoJSON, or the id of the zone
   * whose shape it is (beforeId, afterId) to fetch when shown. */
  function comparisons(feature, rows) {
    let after = feature.geometry;
    return rows.map(function (row) {
      const entry = { row: row, after: after, before: null, beforeId: null, afterId: null };
      if (row.old_geometry) {
        entry.before = row.old_geometry;
        after = row.old_geometry;
      }
      if (row.action === "superseded" && row.changes && row.changes.by) {
        entry.before = entry.after;
        entry.after = null;
        entry.afterId = row.changes.by;
      }
      const replaces = (row.changes && row.changes.replaces) || (row.action === "published" && feature.properties.replaces);
      if ((row.action === "created" || row.action === "published") && replaces && !entry.before) {
        entry.beforeId = replaces;
      }
      entry.comparable = Boolean(entry.before || entry.beforeId || entry.afterId);
      return entry;
    });
  }

  function changesHtml(row, text) {
    const shapeChanged = row.old_geometry && row.action === "updated";
    if (!Object.keys(row.changes || {}).length && !shapeChanged) return "";
    return '<ul class="history-changes">' + text.changesHtml(row.changes) +
      (shapeChanged
        ? '<li><span class="change-field">' + HT.escape(gettext("Shape")) + ":</span> " + HT.escape(gettext("changed")) + "</li>"
        : "") +
      "</ul>";
  }

  /** List the entries in `list`; each comparable one has a button calling
   * onShow(entry, item). Returns the first comparable {entry, item}, or null. */
  function render(list, entries, options) {
    list.innerHTML = "";
    let first = null;
    entries.forEach(function (entry) {
      const row = entry.row;
      const item = document.createElement("li");
      item.className = "history-item history-" + row.action;
      item.innerHTML =
        '<p class="history-head"><strong>' + HT.escape(options.actions[row.action] || row.action) + "</strong> " +
        '<time datetime="' + HT.escape(row.at) + '">' + HT.escape(HT.formatDate(row.at, true)) + "</time>" +
        (row.actor ? ' · <span class="history-actor">' + HT.escape(row.actor) + "</span>" : "") + "</p>" +
        changesHtml(row, options.text);
      if (entry.comparable) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button-small";
        button.textContent = gettext("Before and after on the map");
        button.addEventListener("click", function () { options.onShow(entry, item); });
        item.appendChild(button);
        if (!first) first = { entry: entry, item: item };
      }
      list.appendChild(item);
    });
    if (!entries.length) {
      list.innerHTML = '<li class="help">' + HT.escape(gettext("No changes recorded.")) + "</li>";
    }
    return first;
  }

  HT.zonesHistory = { comparisons: comparisons, render: render };
})();
