/* The intake desk (/ops/intake): the place search box and the map for the place, the
 * unit and department it routes to, the caller's earlier reports and the open reports
 * near the place, and the keyboard: shortcuts (Alt+P, /, Alt+D, Alt+L, Alt+N, Alt+K,
 * Alt+M), Enter submits from the description (Shift+Enter for a new line), Enter in
 * the phone looks the caller up and moves on. The form itself posts to the server
 * (web.ops.intake), which runs the duplicate check and files the report. */
(function () {
  "use strict";

  const HT = window.HT;
  const $ = function (id) {
    return document.getElementById(id);
  };

  function shortcuts() {
    const keys = {
      KeyP: "reporter_phone",
      KeyD: "place-search",
      KeyL: "category",
      KeyN: "description",
      KeyK: "channel",
    };
    document.addEventListener("keydown", function (event) {
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        if (event.code === "KeyM") {
          const reset = $("new-call") || $("desk-reset");
          if (reset) {
            event.preventDefault();
            window.location.assign(reset.href);
          }
          return;
        }
        const target = keys[event.code] && $(keys[event.code]);
        if (target) {
          event.preventDefault();
          target.focus();
        }
        return;
      }
      if (event.key === "/" && !event.ctrlKey && !event.metaKey) {
        const tag = (event.target.tagName || "").toUpperCase();
        const typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable;
        if (!typing && $("place-search")) {
          event.preventDefault();
          $("place-search").focus();
        }
      }
    });
  }

  function reportItem(row, extra) {
    const item = document.createElement("li");
    item.className = "desk-report" + (row.open ? "" : " desk-report-closed");
    item.dataset.code = row.code;
    const parts = [row.status_label, row.category, row.unit, row.reported_at_shown];
    if (extra) parts.unshift(extra);
    // Built with the DOM: the values are the server's data, never HTML.
    const link = document.createElement("a");
    link.className = "ops-code";
    link.target = "_blank";
    link.rel = "noopener";
    link.href = row.url;
    link.textContent = row.code;
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = parts.filter(Boolean).join(" · ");
    item.append(link, " ", meta);
    if (row.description) {
      const snippet = document.createElement("span");
      snippet.className = "desk-snippet";
      snippet.textContent = row.description;
      item.appendChild(snippet);
    }
    return item;
  }

  function fill(listId, noneId, sectionId, rows, extra) {
    const list = $(listId);
    list.textContent = "";
    rows.forEach(function (row) {
      list.appendChild(reportItem(row, extra(row)));
    });
    $(noneId).hidden = rows.length > 0;
    $(sectionId).hidden = false;
  }

  function start() {
    shortcuts();
    const form = $("desk-form");
    if (!form) {
      const again = $("new-call");
      if (again) again.focus();
      return;
    }
    const config = HT.config();
    const phone = $("reporter_phone");
    const search = $("place-search");
    const lon = $("lon");
    const lat = $("lat");
    const placeLabel = $("place_label");
    const category = $("category");
    let submitted = false;
    let lookupSeq = 0;
    let previewSeq = 0;
    let lastPhone = null;

    const map = HT.map.create($("map"), config.map);
    let marker = null;

    async function lookup() {
      const seq = ++lookupSeq;
      const query = { phone: phone.value.trim() };
      if (lon.value && lat.value) {
        query.lon = lon.value;
        query.lat = lat.value;
      }
      if (!query.phone && !query.lon) return;
      try {
        const answer = await HT.api(config.urls.caller, { method: "POST", json: query });
        if (seq !== lookupSeq) return;
        const body = answer.body;
        if (query.phone) {
          fill("caller-reports", "caller-none", "caller-info", body.reports, function (row) {
            return row.relation === "follower" ? (HT.lang === "en" ? "follows" : "theo dõi") : "";
          });
        } else {
          $("caller-info").hidden = true;
        }
        if (query.lon) {
          fill("nearby-reports", "nearby-none", "nearby-info", body.nearby, function (row) {
            return HT.formatDistance(row.distance_m);
          });
        }
        phone.removeAttribute("aria-invalid");
      } catch (error) {
        if (seq !== lookupSeq) return;
        $("caller-info").hidden = false;
        $("caller-reports").textContent = "";
        $("caller-none").hidden = false;
        $("caller-none").textContent = error.message;
        if (error.field === "reporter_phone") phone.setAttribute("aria-invalid", "true");
      }
    }

    async function preview() {
      if (!lon.value || !lat.value) {
        $("place-unit").textContent = "";
        return;
      }
      const seq = ++previewSeq;
      const query = { lon: lon.value, lat: lat.value };
      try {
        let text;
        if (category.value) {
          query.category = category.value;
          const decision = (await HT.api(config.urls.explain, { query: query })).body;
          const department = HT.lang === "en" ? decision.department.name_en : decision.department.name_vi;
          text = "→ " + decision.unit.name + " · " + department;
        } else {
          const found = (await HT.api(config.urls.lookup, { query: query })).body;
          text = "→ " + found.unit.name;
        }
        if (seq !== previewSeq) return;
        $("place-unit").textContent = text;
        $("place-unit").dataset.unit = text;
      } catch (error) {
        if (seq !== previewSeq) return;
        $("place-unit").textContent = error.message;
      }
    }

    function showPoint(lonValue, latValue, pan) {
      const latlng = HT.map.fromLonLat(lonValue, latValue);
      if (!marker) {
        marker = window.L.marker(latlng, { keyboard: false }).addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) map.setView(latlng, Math.max(map.getZoom(), 14), { animate: false });
    }

    function choose(lonValue, latValue, label, pan) {
      lon.value = Number(lonValue).toFixed(6);
      lat.value = Number(latValue).toFixed(6);
      placeLabel.value = label;
      $("place-chosen").textContent = label;
      showPoint(lonValue, latValue, pan);
      preview();
      lookup();
    }

    function unchoose() {
      lon.value = "";
      lat.value = "";
      placeLabel.value = "";
      $("place-chosen").textContent = "";
      $("place-unit").textContent = "";
      if (marker) {
        marker.remove();
        marker = null;
      }
      $("nearby-info").hidden = true;
    }

    const box = window.HTPlaceSearch.attach(search, {
      url: config.urls.places,
      lang: HT.lang,
      onPick: function (place) {
        choose(place.lon, place.lat, place.label, true);
        category.focus(); // the next field
      },
      onClear: unchoose,
    });

    map.on("click", function (event) {
      const point = HT.map.toLonLat(event.latlng);
      const label =
        (HT.lang === "en" ? "Point on the map " : "Điểm trên bản đồ ") +
        point.lat.toFixed(5) + ", " + point.lon.toFixed(5);
      box.setText(label);
      choose(point.lon, point.lat, label, false);
    });

    category.addEventListener("change", preview);

    phone.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.altKey || event.ctrlKey) return;
      event.preventDefault(); // Enter here looks the caller up, it does not file
      lastPhone = phone.value.trim();
      lookup();
      $("reporter_name").focus();
    });
    phone.addEventListener("blur", function () {
      if (phone.value.trim() !== lastPhone) {
        lastPhone = phone.value.trim();
        lookup();
      }
    });

    $("description").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.altKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit($("desk-submit"));
      }
    });

    form.addEventListener("submit", function (event) {
      if (submitted) {
        event.preventDefault(); // the server would answer with the same report anyway
        return;
      }
      submitted = true;
      form.setAttribute("aria-busy", "true");
    });
    // Back to this page from the browser's cache: the form may be sent again (the
    // server answers a repeat with the same report).
    window.addEventListener("pageshow", function () {
      submitted = false;
      form.removeAttribute("aria-busy");
    });

    // The form came back (an error, or reports nearby to add the caller to).
    if (lon.value && lat.value) {
      showPoint(Number(lon.value), Number(lat.value), true);
      preview();
    }
    if (phone.value.trim() || lon.value) {
      lastPhone = phone.value.trim();
      lookup();
    }
    const formError = $("form-error");
    if (formError) {
      const slot = formError.dataset.field;
      const target = slot === "place" ? search : slot && $(slot);
      (target || formError).focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
