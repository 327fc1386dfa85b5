/* The zone editor (/ops/zones/): the zones listed and drawn by department, a draft's
 * form and shape (HT.zonesDraw) checked live by /zones/validate, the drafts' topology
 * and impact from /zones/preview drawn on the map, publishing with a confirmation, and
 * a zone's history with its before/after shapes. Every rule is the API's: this script
 * sends, shows the answers (in the page's language) and draws them. Names and texts
 * come from zones-text.js, the map layers from zones-map.js, the drawing tools from
 * zones-draw.js, the preview's findings from zones-findings.js and the history rows
 * from zones-history.js. */
(function () {
  "use strict";

  const HT = window.HT;
  const gettext = window.gettext;
  const ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };

  const config = HT.config();
  const urls = config.urls;
  const text = HT.zonesText.create(config);
  const departmentName = text.departmentName;
  const departmentColour = text.departmentColour;
  const categoryName = text.categoryName;
  const formatArea = text.formatArea;
  const draftNote = text.draftNote;
  const repairText = text.repairText;
  const $ = function (id) { return document.getElementById(id); };

  const VALIDATE_DELAY = 450;
  const PREVIEW_DELAY = 300;

  /* State ------------------------------------------------------------------------ */

  let features = [];
  const byId = new Map();
  const excluded = new Set(); // drafts the officer unticked in the publish list
  let editing = null; // {id, feature, savedGeometry, dirty}
  let shown = null; // the zone shown in the detail or history panel
  let validation = null;
  let validateTimer = null;
  let validateSeq = 0;
  let previewTimer = null;
  let lastPreview = null;
  let faultMarker = null;

  /* Names and numbers ------------------------------------------------------------ */

  function zoneUrl(template, id) {
    return template.replace("{id}", String(id));
  }

  function show(element, visible) {
    element.hidden = !visible;
  }

  function say(text, isError) {
    const error = $("page-error");
    const status = $("page-status");
    error.hidden = status.hidden = true;
    if (!text) return;
    const target = isError ? error : status;
    target.textContent = text;
    target.hidden = false;
  }

  /* The map ---------------------------------------------------------------------- */

  const map = HT.map.create($("map"), config.map);
  HT.zonesMap.makePanes(map);
  HT.zonesMap.unsnappableLabels(map);
  const zoneLayer = HT.zonesMap.zonesLayer(map, { onClick: onZoneClick });
  const topologyLayer = HT.zonesMap.topologyLayer(map);
  const historyLayer = HT.zonesMap.historyLayer(map);
  const shape = HT.zonesDraw.create(map, { onChange: onShapeChange, onMode: onMode });
  HT.zonesEditor = { map: map, shape: shape }; // for tests and the console

  function fit(bounds, maxZoom) {
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: maxZoom || 16 });
  }

  // Find a place by name (a ward, a street, a market) and go there: a ring marks it
  // until the next search; it is never a snapping target nor part of a zone.
  let foundMarker = null;
  window.HTPlaceSearch.attach($("zones-find"), {
    url: config.urls.places,
    lang: HT.lang,
    onPick: function (place) {
      if (foundMarker) foundMarker.remove();
      const latlng = [place.lat, place.lon]; // Leaflet is [lat, lng]
      foundMarker = window.L.circleMarker(latlng, {
        radius: 9, weight: 3, color: "#b3261e", fill: false, pmIgnore: true, snapIgnore: true, interactive: false,
      }).addTo(map);
      map.setView(latlng, Math.max(map.getZoom(), place.kind === "unit" ? 14 : 17));
    },
    onClear: function () {
      if (foundMarker) foundMarker.remove();
      foundMarker = null;
    },
  });

  /* The list --------------------------------------------------------------------- */

  function filters() {
    return {
      department: $("filter-department").value,
      category: $("filter-category").value,
      status: $("filter-status").value,
    };
  }

  function visibleFeatures() {
    const f = filters();
    return features.filter(function (feature) {
      const p = feature.properties;
      return (
        (!f.department || p.department === f.department) &&
        (!f.category || p.categories.indexOf(f.category) >= 0) &&
        (!f.status || p.status === f.status)
      );
    });
  }

  function fillDepartmentFilter() {
    const select = $("filter-department");
    const chosen = select.value;
    const codes = Array.from(new Set(features.map(function (f) { return f.properties.department; })));
    codes.sort(function (a, b) { return departmentName(a).localeCompare(departmentName(b), HT.lang); });
    select.length = 1;
    codes.forEach(function (code) {
      select.add(new Option(departmentName(code), code));
    });
    select.value = codes.indexOf(chosen) >= 0 ? chosen : "";
  }

  function renderList() {
    const list = $("zone-list");
    const visible = visibleFeatures();
    list.innerHTML = "";
    visible
      .slice()
      .sort(function (a, b) {
        const pa = a.properties, pb = b.properties;
        return (pa.status === "draft" ? 0 : 1) - (pb.status === "draft" ? 0 : 1) || pa.name.localeCompare(pb.name, HT.lang);
      })
      .forEach(function (feature) {
        const p = feature.properties;
        const item = document.createElement("li");
        item.className = "zone-item zone-" + p.status;
        item.dataset.id = feature.id;
        const note = p.status === "draft" ? draftNote(p) : "";
        item.innerHTML =
          '<button type="button" class="zone-pick" style="--dep:' + HT.escape(departmentColour(p.department)) + '">' +
          '<span class="zone-swatch" aria-hidden="true"></span>' +
          '<span class="zone-main"><span class="zone-name">' + HT.escape(p.name) + "</span>" +
          '<span class="zone-status status-' + HT.escape(p.status) + '">' + HT.escape(text.statusLabel(feature)) + "</span>" +
          '<span class="zone-dep">' + HT.escape(departmentName(p.department)) + "</span>" +
          '<span class="zone-cats">' + p.categories.map(function (code) {
            return '<span class="zone-cat" title="' + HT.escape(code) + '">' + HT.escape(categoryName(code)) + "</span>";
          }).join("") + "</span>" +
          (note ? '<span class="zone-note">' + HT.escape(note) + "</span>" : "") +
          "</span></button>";
        item.querySelector("button").addEventListener("click", function () { openZone(feature.id, true); });
        list.appendChild(item);
      });
    $("zone-count").textContent = HT.format(
      ngettext("%(count)s zone shown of %(total)s", "%(count)s zones shown of %(total)s", visible.length),
      { count: HT.formatNumber(visible.length), total: HT.formatNumber(features.length) }
    );
    zoneLayer.show(visible, function (feature) { return departmentColour(feature.properties.department); });
    if (editing && editing.id) zoneLayer.hide(editing.id, true);
    if (shown) zoneLayer.select(shown.id);
  }

  async function loadZones() {
    try {
      const result = await HT.api(urls.zones);
      features = result.body.features;
      byId.clear();
      features.forEach(function (f) { byId.set(f.id, f); });
      text.remember(features);
      fillDepartmentFilter();
      renderList();
      renderDrafts();
    } catch (error) {
      $("zone-count").textContent = "";
      say(error.message, true);
    }
  }

  ["filter-department", "filter-category", "filter-status"].forEach(function (id) {
    $(id).addEventListener("change", renderList);
  });

  /* Panels ----------------------------------------------------------------------- */

  function panel(name) {
    ["browse", "editor", "detail", "history"].forEach(function (id) { show($(id), id === name); });
    if (name !== "history") historyLayer.clear();
  }

  function onZoneClick(id) {
    if (editing || shape.mode()) return; // clicks on the map belong to the tools
    openZone(id, false);
  }

  function openZone(id, zoom) {
    const feature = byId.get(id);
    if (!feature) return;
    if (feature.properties.status === "draft") openEditor(feature);
    else openDetail(feature);
    if (zoom) fit(zoneLayer.bounds(id) || (editing && shape.bounds()));
  }

  /* Published zone: facts, change, end, history ---------------------------------- */

  function factsHtml(p) {
    const rows = [
      [config.fields.department, departmentName(p.department)],
      [config.fields.categories, p.categories.map(categoryName).join(", ")],
      [config.fields.priority, HT.formatNumber(p.priority)],
      [config.fields.area_m2, formatArea(p.area_m2)],
    ];
    if (p.valid_from) rows.push([config.fields.valid_from, HT.formatDate(p.valid_from, true)]);
    if (p.valid_to) rows.push([config.fields.valid_to, HT.formatDate(p.valid_to, true)]);
    return rows.map(function (r) {
      return "<div><dt>" + HT.escape(r[0]) + "</dt><dd>" + HT.escape(r[1]) + "</dd></div>";
    }).join("");
  }

  function draftOf(id) {
    return features.find(function (f) { return f.properties.status === "draft" && f.properties.replaces === id; });
  }

  function openDetail(feature) {
    shown = feature;
    zoneLayer.select(feature.id);
    $("detail-title").textContent = feature.properties.name;
    $("detail-facts").innerHTML = factsHtml(feature.properties);
    const draft = draftOf(feature.id);
    $("detail-change").textContent = draft ? gettext("Open its draft") : gettext("Change (new draft)");
    show($("detail-retire"), !draft);
    panel("detail");
    $("detail-title").setAttribute("tabindex", "-1");
    $("detail-title").focus();
  }

  async function startDraft(retire) {
    const feature = shown;
    const existing = draftOf(feature.id);
    if (existing) return openEditor(existing);
    try {
      const result = await HT.api(zoneUrl(urls.draft, feature.id), { method: "POST", json: { retire: retire } });
      await loadZones();
      openEditor(byId.get(result.body.id) || result.body);
      say(retire ? gettext("Draft started: publishing it ends the zone.") : gettext("Draft started: change it, then check and publish."));
    } catch (error) {
      say(error.message, true);
    }
  }

  $("detail-change").addEventListener("click", function () { startDraft(false); });
  $("detail-retire").addEventListener("click", function () { startDraft(true); });
  $("detail-history").addEventListener("click", function () { openHistory(shown); });
  $("detail-close").addEventListener("click", closePanels);

  function closePanels() {
    shown = null;
    zoneLayer.select(null);
    panel("browse");
    $("new-zone").focus();
  }

  /* The draft form --------------------------------------------------------------- */

  const form = $("zone-form");
  const errors = new HT.FormErrors($("form-error"), {
    name: { error: "err-name", control: "zone-name" },
    department: { error: "err-department", control: "zone-department" },
    categories: { error: "err-categories", control: null },
    priority: { error: "err-priority", control: "zone-priority" },
    geometry: { error: "err-geometry", control: null },
  });

  (function fillDepartmentPicker() {
    const select = $("zone-department");
    select.add(new Option(gettext("Choose a department…"), ""));
    const groups = [
      [gettext("Departments and companies"), function (d) { return !d.committee; }],
      [gettext("Ward and commune People's Committees"), function (d) { return d.committee; }],
    ];
    groups.forEach(function (group) {
      const optgroup = document.createElement("optgroup");
      optgroup.label = group[0];
      config.departments
        .filter(function (d) { return d.pickable && group[1](d); })
        .sort(function (a, b) { return a.name.localeCompare(b.name, HT.lang); })
        .forEach(function (d) { optgroup.appendChild(new Option(d.name, d.code)); });
      select.appendChild(optgroup);
    });
  })();

  function ensureDepartmentOption(code) {
    const select = $("zone-department");
    if (!code || Array.from(select.options).some(function (o) { return o.value === code; })) return;
    select.add(new Option(departmentName(code), code)); // a department the picker no longer offers
  }

  function formCategories() {
    return Array.from(form.querySelectorAll("input[name=categories]:checked")).map(function (i) { return i.value; });
  }

  function geometryKey(geometry) {
    return geometry ? JSON.stringify(geometry) : "";
  }

  function openEditor(feature, options) {
    options = options || {};
    if (editing && editing.id) zoneLayer.hide(editing.id, false);
    shown = feature && feature.id ? feature : null;
    zoneLayer.select(shown ? shown.id : null);
    errors.clear();
    const p = feature ? feature.properties : { name: "", department: "", categories: [], priority: 0 };
    $("zone-name").value = p.name;
    ensureDepartmentOption(p.department);
    $("zone-department").value = p.department || "";
    form.querySelectorAll("input[name=categories]").forEach(function (input) {
      input.checked = p.categories.indexOf(input.value) >= 0;
    });
    $("zone-priority").value = p.priority;
    $("editor-title").textContent = feature
      ? HT.format(gettext("Draft: %(name)s"), { name: p.name })
      : gettext("New zone");
    const note = feature ? draftNote(p) : "";
    $("editor-note").textContent = note;
    show($("editor-note"), Boolean(note));
    show($("zone-delete"), Boolean(feature));
    show($("zone-history-open"), Boolean(feature));
    show($("zone-revert"), false);
    $("save-status").textContent = "";
    editing = { id: feature ? feature.id : null, feature: feature, savedGeometry: "", dirty: false };
    if (feature) {
      zoneLayer.hide(feature.id, true);
      shape.load(feature.geometry);
      editing.savedGeometry = geometryKey(shape.geometry());
    } else {
      shape.clear();
    }
    shape.setColour(departmentColour($("zone-department").value));
    panel("editor");
    updateTools();
    resetValidation();
    if (feature) validateSoon(0);
    if (!options.keepFocus) $("zone-name").focus();
  }

  /** Leave the draft being edited (asking first when it has unsaved changes, unless
   * `force`); false when the officer chose to stay. */
  function stopEditing(force) {
    if (!editing) return true;
    if (!force && editing.dirty && !window.confirm(gettext("Close without saving the changes?"))) return false;
    shape.clear();
    clearFault();
    if (editing.id) zoneLayer.hide(editing.id, false);
    editing = null;
    return true;
  }

  function closeEditor() {
    if (stopEditing()) closePanels();
  }

  $("new-zone").addEventListener("click", function () { openEditor(null); });
  $("zone-cancel").addEventListener("click", closeEditor);
  $("zone-history-open").addEventListener("click", function () {
    const feature = editing && editing.id ? byId.get(editing.id) : null;
    if (feature && stopEditing()) openHistory(feature);
  });

  function markDirty() {
    if (!editing) return;
    editing.dirty = true;
    show($("zone-revert"), Boolean(editing.id));
  }

  form.addEventListener("input", markDirty);
  $("zone-revert").addEventListener("click", function () {
    const feature = editing && editing.id ? byId.get(editing.id) : null;
    if (!feature) return;
    openEditor(feature, { keepFocus: true });
    $("save-status").textContent = gettext("Changes undone: the draft is as saved.");
  });
  $("zone-department").addEventListener("change", function () {
    shape.setColour(departmentColour($("zone-department").value));
  });

  /* Tools ------------------------------------------------------------------------ */

  const TOOLS = { draw: "tool-draw", edit: "tool-edit", cut: "tool-cut", remove: "tool-remove" };
  const MODE_HINT = {
    draw: function () { return gettext("Drawing: click each corner, then the first corner to close. Esc stops."); },
    edit: function () { return gettext("Moving vertices: drag a corner; right-click removes it. Esc stops."); },
    cut: function () { return gettext("Cutting out: draw the part to take away, close it on its first corner. Esc stops."); },
    remove: function () { return gettext("Deleting: click the polygon to remove. Esc stops."); },
  };

  Object.keys(TOOLS).forEach(function (mode) {
    $(TOOLS[mode]).addEventListener("click", function () { shape.setMode(mode); });
  });
  $("snap").addEventListener("change", function () { shape.setSnapping($("snap").checked); });

  /* Polygons from a GeoJSON file, read in the browser; the server checks them. */
  const WGS84 = /^(urn:ogc:def:crs:OGC:1\.3:CRS84|urn:ogc:def:crs:EPSG::4326|EPSG:4326)$/i;

  function fileGeometry(content) {
    let data;
    try {
      data = JSON.parse(content);
    } catch (error) {
      throw new Error(gettext("The file is not GeoJSON (it is not valid JSON)."));
    }
    const crs = data && data.crs && data.crs.properties && data.crs.properties.name;
    if (crs && !WGS84.test(crs)) {
      throw new Error(HT.format(gettext("The file's coordinates are in %(crs)s: save it in WGS 84 (EPSG:4326) and try again."), { crs: crs }));
    }
    const polygons = HT.zonesMap.polygonsOf(data);
    if (!polygons.length) throw new Error(gettext("The file holds no polygon."));
    return HT.zonesMap.multiPolygon(polygons);
  }

  $("geojson-file").addEventListener("change", function (event) {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    errors.clear();
    file.text().then(function (content) {
      shape.add(fileGeometry(content));
      fit(shape.bounds());
    }).catch(function (error) {
      errors.show("geometry", error.message);
    }).finally(function () {
      event.target.value = "";
    });
  });

  /* A ward's or commune's whole area, from the boundaries API. */
  (function fillUnitPicker() {
    const select = $("unit-pick");
    config.units
      .slice()
      .sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); })
      .forEach(function (unit) { select.add(new Option(unit.name, unit.code)); });
  })();

  $("unit-add").addEventListener("click", async function () {
    const code = $("unit-pick").value;
    if (!code) {
      $("unit-pick").focus();
      return;
    }
    const button = $("unit-add");
    button.disabled = true;
    try {
      const url = urls.unit.replace("{code}", encodeURIComponent(code));
      const feature = (await HT.api(url, { query: { date: config.map.date } })).body;
      shape.add(feature.geometry);
      fit(shape.bounds());
      $("unit-pick").value = "";
    } catch (error) {
      errors.show("geometry", error.message);
    } finally {
      button.disabled = false;
    }
  });

  function updateTools() {
    const mode = shape.mode();
    const empty = shape.count() === 0;
    Object.keys(TOOLS).forEach(function (name) {
      const button = $(TOOLS[name]);
      button.setAttribute("aria-pressed", String(mode === name));
      button.disabled = name !== "draw" && empty && mode !== name;
    });
  }

  function onMode(mode) {
    updateTools();
    const hint = $("map-mode");
    hint.textContent = mode ? MODE_HINT[mode]() : "";
    hint.hidden = !mode;
  }

  function onShapeChange() {
    markDirty();
    updateTools();
    validateSoon(VALIDATE_DELAY);
  }

  /* Live validation -------------------------------------------------------------- */

  function clearFault() {
    if (faultMarker) map.removeLayer(faultMarker);
    faultMarker = null;
  }

  function resetValidation() {
    validation = null;
    clearFault();
    const box = $("validation");
    box.className = "validation";
    $("validation-text").textContent = gettext("No shape yet: draw the zone on the map.");
    show($("validation-repairs"), false);
    show($("show-fault"), false);
    show($("accept-repair"), false);
  }

  function validateSoon(delay) {
    clearTimeout(validateTimer);
    validateTimer = setTimeout(validateNow, delay);
  }

  async function validateNow() {
    const geometry = shape.geometry();
    const seq = ++validateSeq;
    if (!geometry) {
      resetValidation();
      return;
    }
    $("validation").className = "validation validation-busy";
    $("validation-text").textContent = gettext("Checking the shape…");
    let body;
    try {
      body = (await HT.api(urls.validate, { method: "POST", json: { geometry: geometry } })).body;
    } catch (error) {
      if (seq !== validateSeq) return;
      $("validation").className = "validation validation-error";
      $("validation-text").textContent = error.message;
      return;
    }
    if (seq !== validateSeq) return; // a newer edit is being checked
    showValidation(body);
  }

  function showValidation(body) {
    validation = body;
    clearFault();
    const box = $("validation");
    const repairs = $("validation-repairs");
    repairs.innerHTML = "";
    show($("show-fault"), false);
    show($("accept-repair"), false);
    if (body.valid) {
      box.className = "validation validation-ok";
      $("validation-text").textContent = HT.format(
        ngettext(
          "Valid shape: %(count)s polygon, %(vertices)s vertices, %(area)s.",
          "Valid shape: %(count)s polygons, %(vertices)s vertices, %(area)s.",
          body.polygons
        ),
        { count: HT.formatNumber(body.polygons), vertices: HT.formatNumber(body.vertices), area: formatArea(body.area_m2) }
      );
      (body.repairs || []).forEach(function (repair) {
        const li = document.createElement("li");
        li.textContent = repairText(repair);
        repairs.appendChild(li);
      });
      if (body.repairs && body.repairs.length) {
        const li = document.createElement("li");
        li.className = "help";
        li.textContent = gettext("These repairs are made when the draft is saved.");
        repairs.appendChild(li);
      }
      show(repairs, Boolean(body.repairs && body.repairs.length));
      return;
    }
    box.className = "validation validation-error";
    $("validation-text").textContent =
      (body.messages && body.messages[HT.lang]) || gettext("The shape is not valid.");
    if (body.location) {
      faultMarker = HT.zonesMap.faultMarker(map, body.location.lon, body.location.lat, body.reason || "");
      show($("show-fault"), true);
    }
    if (body.repaired) show($("accept-repair"), true);
  }

  $("show-fault").addEventListener("click", function () {
    if (validation && validation.location) {
      map.setView([validation.location.lat, validation.location.lon], Math.max(map.getZoom(), 16));
    }
  });
  $("accept-repair").addEventListener("click", function () {
    if (!validation || !validation.repaired) return;
    shape.load(validation.repaired);
    onShapeChange();
    validateSoon(0);
  });

  /* Saving ----------------------------------------------------------------------- */

  function checkForm(body) {
    const problems = [];
    if (!body.name) problems.push(["name", gettext("Give the zone a name.")]);
    if (!body.department) problems.push(["department", gettext("Choose the department that handles the reports.")]);
    if (!body.categories.length) problems.push(["categories", gettext("Tick at least one category.")]);
    const p = Number($("zone-priority").value);
    if (!Number.isInteger(p) || p < config.limits.priority_min || p > config.limits.priority_max) {
      problems.push(["priority", HT.format(gettext("The priority is a whole number from %(min)s to %(max)s."), {
        min: config.limits.priority_min, max: config.limits.priority_max,
      })]);
    }
    if (!editing.id && !body.geometry) problems.push(["geometry", gettext("Draw the zone on the map first.")]);
    if (editing.id && shape.count() === 0) problems.push(["geometry", gettext("The zone has no polygon left: draw one, or delete the draft.")]);
    return problems;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!editing) return;
    shape.setMode(null);
    errors.clear();
    const geometry = shape.geometry();
    const body = {
      name: $("zone-name").value.trim(),
      department: $("zone-department").value,
      categories: formCategories(),
      priority: Number($("zone-priority").value),
      geometry: geometry,
    };
    const problems = checkForm(body);
    if (problems.length) {
      problems.forEach(function (p) { errors.show(p[0], p[1]); });
      const first = errors.slotFor(problems[0][0]);
      const target = first && first.control ? $(first.control) : $(first ? first.error : "form-error");
      if (target) { target.setAttribute("tabindex", target.getAttribute("tabindex") || "-1"); target.focus(); }
      return;
    }
    const isNew = !editing.id;
    if (!isNew && geometryKey(geometry) === editing.savedGeometry) delete body.geometry;
    const button = $("zone-save");
    button.disabled = true;
    $("save-status").textContent = gettext("Saving…");
    try {
      const result = isNew
        ? await HT.api(urls.zones, { method: "POST", json: body })
        : await HT.api(zoneUrl(urls.zone, editing.id), { method: "PATCH", json: body });
      const saved = result.body;
      const repairs = saved.properties.repairs || [];
      await loadZones();
      openEditor(byId.get(saved.id) || saved, { keepFocus: true });
      $("save-status").textContent =
        HT.format(gettext("Draft saved at %(time)s."), { time: HT.formatDate(new Date().toISOString(), true).slice(11) }) +
        (repairs.length ? " " + gettext("Repaired:") + " " + repairs.map(repairText).join("; ") : "");
      excluded.delete(saved.id);
      renderDrafts();
      previewSoon();
    } catch (error) {
      $("save-status").textContent = "";
      errors.showApiError(error);
    } finally {
      button.disabled = false;
    }
  });

  $("zone-delete").addEventListener("click", async function () {
    if (!editing || !editing.id) return;
    if (!window.confirm(HT.format(gettext("Delete the draft «%(name)s»? This cannot be undone."), { name: text.zoneLabel(editing.id) }))) return;
    try {
      await HT.api(zoneUrl(urls.zone, editing.id), { method: "DELETE" });
      const name = text.zoneLabel(editing.id);
      stopEditing(true);
      await loadZones();
      closePanels();
      say(HT.format(gettext("Draft «%(name)s» deleted."), { name: name }));
      previewSoon();
    } catch (error) {
      errors.showApiError(error);
    }
  });

  /* Drafts: topology, impact, publish -------------------------------------------- */

  function drafts() {
    return features.filter(function (f) { return f.properties.status === "draft"; });
  }

  function chosenDrafts() {
    return drafts().filter(function (f) { return !excluded.has(f.id); });
  }

  function renderDrafts() {
    const list = $("draft-list");
    const all = drafts();
    list.innerHTML = "";
    all.forEach(function (feature) {
      const p = feature.properties;
      const li = document.createElement("li");
      const id = "draft-" + feature.id;
      li.innerHTML =
        '<label class="check" for="' + id + '"><input type="checkbox" id="' + id + '" value="' + feature.id + '"' +
        (excluded.has(feature.id) ? "" : " checked") + '><span><strong>' + HT.escape(p.name) + "</strong> · " +
        HT.escape(departmentName(p.department)) + (draftNote(p) ? " · " + HT.escape(draftNote(p)) : "") + "</span></label>";
      li.querySelector("input").addEventListener("change", function (event) {
        if (event.target.checked) excluded.delete(feature.id);
        else excluded.add(feature.id);
        clearPreview();
      });
      list.appendChild(li);
    });
    show($("publish-empty"), !all.length);
    show($("publish-drafts"), Boolean(all.length));
    if (!all.length) clearPreview();
  }

  function clearPreview() {
    previewSeq++;
    lastPreview = null;
    topologyLayer.clear();
    show($("preview"), false);
    $("publish-run").disabled = true;
  }

  function previewSoon() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(runPreview, PREVIEW_DELAY);
  }

  let previewSeq = 0;

  async function runPreview() {
    const seq = ++previewSeq;
    const chosen = chosenDrafts();
    if (!chosen.length) {
      clearPreview();
      return;
    }
    show($("preview"), true);
    $("preview-status").textContent = gettext("Checking the topology and counting the reports…");
    $("topology").innerHTML = "";
    $("impact").innerHTML = "";
    $("publish-run").disabled = true;
    try {
      const result = await HT.api(urls.preview, { method: "POST", json: { drafts: chosen.map(function (f) { return f.id; }) } });
      if (seq !== previewSeq) return; // the drafts changed meanwhile: a newer check runs
      lastPreview = result.body;
      renderPreview(result.body, chosen);
    } catch (error) {
      if (seq === previewSeq) $("preview-status").textContent = error.message;
    }
  }

  $("preview-run").addEventListener("click", runPreview);

  function renderPreview(body, chosen) {
    // The drafts' categories, and those of the zones they replace or end (a category
    // a draft drops may be left with a gap).
    const cats = Array.from(new Set(chosen.reduce(function (all, f) {
      const replaced = f.properties.replaces ? byId.get(f.properties.replaces) : null;
      return all.concat(f.properties.categories, replaced ? replaced.properties.categories : []);
    }, [])));
    const ok = HT.zonesFindings.render(body, {
      topology: $("topology"),
      impact: $("impact"),
      categories: cats,
      layer: topologyLayer,
      text: text,
      fit: fit,
      trackUrl: urls.track,
    });
    $("preview-status").textContent = ok
      ? gettext("Checked. The drafts can be published.")
      : gettext("Some zones are invalid: fix them before publishing.");
    $("publish-run").disabled = !ok;
  }

  const dialog = $("publish-dialog");

  $("publish-run").addEventListener("click", function () {
    const chosen = chosenDrafts();
    if (!chosen.length || !lastPreview) return;
    if (editing && editing.dirty) {
      $("preview-status").textContent = gettext("Save or undo the changes to the open draft before publishing.");
      return;
    }
    $("publish-dialog-list").innerHTML = chosen.map(function (f) {
      const note = draftNote(f.properties);
      return "<li><strong>" + HT.escape(f.properties.name) + "</strong> · " + HT.escape(departmentName(f.properties.department)) +
        (note ? " · " + HT.escape(note) : "") + "</li>";
    }).join("");
    $("publish-dialog-impact").textContent = text.impactSentence(lastPreview.impact);
    dialog.returnValue = "";
    dialog.showModal();
    $("publish-confirm").focus();
  });

  dialog.addEventListener("close", function () {
    if (dialog.returnValue === "publish") publish();
    else $("publish-run").focus();
  });

  async function publish() {
    const chosen = chosenDrafts();
    const button = $("publish-run");
    button.disabled = true;
    $("preview-status").textContent = gettext("Publishing…");
    try {
      const result = (await HT.api(urls.publish, { method: "POST", json: { drafts: chosen.map(function (f) { return f.id; }) } })).body;
      stopEditing(true);
      clearPreview();
      await loadZones();
      closePanels();
      showPublished(result);
    } catch (error) {
      $("preview-status").textContent = error.message;
      button.disabled = false;
    }
  }

  function showPublished(result) {
    const box = $("publish-result");
    box.innerHTML = "";
    const summary = document.createElement("p");
    summary.textContent = HT.format(
      gettext("Published at %(time)s: %(published)s zone(s) in force, %(ended)s ended. %(rerouted)s open reports were re-routed."),
      {
        time: HT.formatDate(result.at, true),
        published: HT.formatNumber(result.published.length),
        ended: HT.formatNumber(result.superseded.length + result.retired.length),
        rerouted: HT.formatNumber(result.rerouted.open.changed),
      }
    );
    box.appendChild(summary);
    result.published.forEach(function (id) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small";
      button.textContent = HT.format(gettext("History of «%(name)s»"), { name: text.zoneLabel(id) });
      button.addEventListener("click", function () {
        const feature = byId.get(id);
        if (feature && stopEditing()) {
          openHistory(feature);
          fit(zoneLayer.bounds(id));
        }
      });
      box.appendChild(button);
    });
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  /* History: who changed what, before and after on the map ----------------------- */

  async function zoneGeometry(id) {
    if (byId.has(id)) return byId.get(id).geometry;
    try {
      return (await HT.api(zoneUrl(urls.zone, id))).body.geometry;
    } catch (error) {
      return null;
    }
  }

  async function showComparison(entry, colour, item) {
    const before = entry.before || (entry.beforeId ? await zoneGeometry(entry.beforeId) : null);
    const after = entry.after || (entry.afterId ? await zoneGeometry(entry.afterId) : null);
    // Not too close: the wards around stay in view.
    fit(historyLayer.show(before, after, colour), 14.5);
    document.querySelectorAll("#history-list .history-item").forEach(function (el) { el.classList.remove("is-shown"); });
    if (item) item.classList.add("is-shown");
  }

  async function openHistory(feature) {
    shown = feature;
    zoneLayer.select(feature.id);
    panel("history");
    $("history-title").textContent = HT.format(gettext("History: %(name)s"), { name: feature.properties.name });
    const list = $("history-list");
    list.innerHTML = "<li class=\"help\">" + HT.escape(gettext("Loading the history…")) + "</li>";
    let rows;
    try {
      rows = (await HT.api(zoneUrl(urls.history, feature.id))).body;
    } catch (error) {
      list.innerHTML = "";
      say(error.message, true);
      return;
    }
    const colour = text.departmentColour(feature.properties.department);
    $("history").style.setProperty("--after", colour);
    const entries = HT.zonesHistory.comparisons(feature, rows);
    const first = HT.zonesHistory.render(list, entries, {
      text: text,
      actions: config.actions,
      onShow: function (entry, item) { showComparison(entry, colour, item); },
    });
    if (first) showComparison(first.entry, colour, first.item);
    else fit(historyLayer.show(null, feature.geometry, colour));
    $("history-title").setAttribute("tabindex", "-1");
    $("history-title").focus();
  }

  $("history-close").addEventListener("click", function () {
    historyLayer.clear();
    if (shown && shown.properties.status === "published") openDetail(shown);
    else closePanels();
  });

  /* Start ------------------------------------------------------------------------ */

  window.addEventListener("beforeunload", function (event) {
    if (editing && editing.dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  loadZones();
})();
