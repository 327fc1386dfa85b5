/* The officer's report page (/ops/r/<code>): the map with the pin, the routed unit's
 * outline and the deciding zone; moving the pin (drag or click, preview, confirm);
 * and the workflow actions, each posted to the workflow API. The API's refusals show
 * next to the action, in the page's language; after a change the page reloads with
 * a short confirmation, so status, actions and timeline are the server's. */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const config = HT.config();
  const $ = function (id) {
    return document.getElementById(id);
  };
  const FLASH_KEY = "ht-ops-flash";

  /* A confirmation that survives the reload ---------------------------------------- */

  function flashThenReload(message) {
    try {
      window.sessionStorage.setItem(FLASH_KEY, JSON.stringify({ code: config.code, message: message }));
    } catch (error) {
      /* no sessionStorage: reload without the message */
    }
    window.location.reload();
  }

  try {
    const saved = JSON.parse(window.sessionStorage.getItem(FLASH_KEY) || "null");
    window.sessionStorage.removeItem(FLASH_KEY);
    if (saved && saved.code === config.code) {
      $("flash").textContent = saved.message;
      $("flash").hidden = false;
    }
  } catch (error) {
    /* nothing to show */
  }

  function departmentName(body) {
    return HT.lang === "en" ? body.department_name_en : body.department_name_vi;
  }

  /** Post `json` (or a FormData) to `url` with `button` disabled meanwhile; errors go
   * to `errors`. */
  async function send(url, json, button, errors, onDone) {
    if (button.disabled) return;
    errors.clear();
    button.disabled = true;
    try {
      const body = json instanceof FormData ? { form: json } : { json: json };
      const result = await HT.api(url, Object.assign({ method: "POST" }, body));
      onDone(result.body);
    } catch (error) {
      button.disabled = false;
      errors.showApiError(error);
    }
  }

  /* The map -------------------------------------------------------------------------- */

  const map = HT.map.create($("map"), config.map);
  // Above the unit outlines map.js redraws as the view moves, below the pin.
  map.createPane("ht-report");
  map.getPane("ht-report").style.zIndex = 450;
  map.getPane("ht-report").style.pointerEvents = "none";
  if (config.zone_outline) {
    L.geoJSON(config.zone_outline, {
      pane: "ht-report",
      interactive: false,
      style: { color: "#b45309", weight: 2, dashArray: "6 5", fill: false },
    }).addTo(map);
  }
  const home = L.latLng(config.map.pin);
  if (config.unit_outline) {
    const unit = L.geoJSON(config.unit_outline, {
      pane: "ht-report",
      interactive: false,
      style: { color: "#0b4f8a", weight: 3, fillColor: "#0b4f8a", fillOpacity: 0.07 },
    }).addTo(map);
    // The whole routed unit and its edges in view, the pin included.
    map.fitBounds(unit.getBounds().extend(home).pad(0.05), { maxZoom: 16, animate: false });
  }
  const marker = L.marker(home, {
    draggable: Boolean(config.may_move),
    keyboard: true,
    title: gettext("Place of the problem"),
    alt: gettext("Pin"),
  }).addTo(map);

  /* Moving the pin ------------------------------------------------------------------- */

  if (config.may_move) {
    const panel = $("move-panel");
    const confirmButton = $("move-confirm");
    const moveErrors = new HT.FormErrors($("move-error"), {});
    let pending = null;
    let preview = null;

    function propose(latlng) {
      pending = latlng;
      marker.setLatLng(latlng);
      $("move-lat").value = latlng.lat.toFixed(6);
      $("move-lon").value = latlng.lng.toFixed(6);
      moveErrors.clear();
      panel.hidden = false;
      confirmButton.disabled = false;
      $("move-where").textContent = HT.format(gettext("New location: %(lat)s, %(lon)s"), {
        lat: latlng.lat.toFixed(6),
        lon: latlng.lng.toFixed(6),
      });
      $("move-preview").textContent = gettext("Checking where it would go…");
      if (preview) preview.abort();
      preview = new AbortController();
      const point = HT.map.toLonLat(latlng);
      HT.api(config.urls.explain, {
        query: { lon: point.lon, lat: point.lat, category: config.category, at: config.reported_at },
        signal: preview.signal,
      })
        .then(function (result) {
          const body = result.body;
          $("move-preview").textContent = HT.format(gettext("It would go to %(department)s, in %(unit)s: %(reason)s"), {
            department: HT.lang === "en" ? body.department.name_en : body.department.name_vi,
            unit: body.unit.name,
            reason: body.reason,
          });
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          $("move-preview").textContent = "";
          moveErrors.showApiError(error);
        });
    }

    marker.on("dragend", function () {
      propose(marker.getLatLng());
    });
    map.on("click", function (event) {
      propose(event.latlng);
    });
    // The keyboard's way: type the coordinates, see them on the map, confirm.
    const coordErrors = new HT.FormErrors(null, {
      lat: { error: "err-coords", control: "move-lat" },
      lon: { error: "err-coords", control: "move-lon" },
    });
    $("coords-form").addEventListener("submit", function (event) {
      event.preventDefault();
      coordErrors.clear();
      const read = function (id) {
        const text = $(id).value.trim().replace(",", ".");
        return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
      };
      const lat = read("move-lat");
      const lon = read("move-lon");
      if (!(Math.abs(lat) <= 90)) {
        coordErrors.showApiError({ field: "lat", message: gettext("Type the latitude as a number, e.g. 17.4689.") });
        return;
      }
      if (!(Math.abs(lon) <= 180)) {
        coordErrors.showApiError({ field: "lon", message: gettext("Type the longitude as a number, e.g. 106.6155.") });
        return;
      }
      const latlng = L.latLng(lat, lon);
      map.panTo(latlng, { animate: false });
      propose(latlng);
      confirmButton.focus();
    });

    $("move-cancel").addEventListener("click", function () {
      if (preview) preview.abort();
      pending = null;
      marker.setLatLng(home);
      $("move-lat").value = home.lat.toFixed(6);
      $("move-lon").value = home.lng.toFixed(6);
      moveErrors.clear();
      panel.hidden = true;
      marker.getElement().focus();
    });
    confirmButton.addEventListener("click", function () {
      if (!pending) return;
      const point = HT.map.toLonLat(pending);
      send(config.urls.location, { lon: point.lon, lat: point.lat }, confirmButton, moveErrors, function (body) {
        flashThenReload(
          HT.format(gettext("Pin moved. The report was routed again: %(department)s."), {
            department: departmentName(body),
          })
        );
      });
    });
  }

  /* Status changes ------------------------------------------------------------------- */

  const transitionForm = $("transition-form");
  if (transitionForm) {
    const errors = new HT.FormErrors($("transition-error"), {
      note: { error: "err-transition-note", control: "transition-note" },
      public: { error: "err-transition-note", control: "transition-note" },
      reason: { error: "err-reason", control: "transition-reason" },
      duplicate_of: { error: "err-duplicate", control: "transition-duplicate" },
      photos: { error: "err-transition-photos", control: "transition-photos" },
    });
    let chosen = null;

    document.querySelectorAll("[data-to]").forEach(function (button) {
      button.addEventListener("click", function () {
        chosen = button.dataset;
        errors.clear();
        transitionForm.hidden = false;
        $("transition-title").textContent = HT.format(gettext("%(action)s: the status becomes “%(status)s”"), {
          action: button.textContent.trim(),
          status: chosen.status,
        });
        $("field-reason").hidden = !chosen.needsReason;
        $("field-duplicate").hidden = !chosen.needsDuplicate;
        const resolving = chosen.to === "resolved";
        $("field-after-photos").hidden = !resolving;
        $("transition-note-help").textContent = resolving
          ? gettext("Required: the result of the handling, what was done. It is public on the tracking page.")
          : chosen.needsNote
          ? gettext("Required: the citizen reads this note with the new status.")
          : gettext("Optional: the citizen reads it with the new status.");
        $("transition-submit").disabled = false;
        const first = chosen.needsReason ? "transition-reason" : chosen.needsDuplicate ? "transition-duplicate" : "transition-note";
        $(first).focus();
      });
    });

    $("transition-cancel").addEventListener("click", function () {
      errors.clear();
      transitionForm.hidden = true;
      chosen = null;
    });

    transitionForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!chosen) return;
      errors.clear();
      const note = $("transition-note").value.trim();
      const reason = $("transition-reason").value;
      const duplicate = $("transition-duplicate").value.trim();
      if (chosen.needsReason && !reason) {
        errors.showApiError({ field: "reason", message: gettext("Choose a reason.") });
        return;
      }
      if (chosen.needsDuplicate && !duplicate) {
        errors.showApiError({ field: "duplicate_of", message: gettext("Give the tracking code of the original report.") });
        return;
      }
      if (chosen.needsNote && !note) {
        errors.showApiError({ field: "note", message: gettext("Write a note for the citizen.") });
        return;
      }
      let body = { to: chosen.to, note: note, public: true };
      if (chosen.needsReason) body.reason = reason;
      if (chosen.needsDuplicate) body.duplicate_of = duplicate;
      const files = chosen.to === "resolved" ? $("transition-photos").files : [];
      if (chosen.needsPhoto && !files.length) {
        errors.showApiError({ field: "photos", message: gettext("Add a photo of the fix.") });
        return;
      }
      if (files.length) {
        // Photos of the fix go as a multipart form (the API checks each one).
        const form = new FormData();
        Object.keys(body).forEach(function (key) {
          form.append(key, body[key]);
        });
        Array.from(files).forEach(function (file) {
          form.append("photos", file);
        });
        body = form;
      }
      send(config.urls.transitions, body, $("transition-submit"), errors, function (state) {
        flashThenReload(
          HT.format(gettext("Status changed: %(status)s."), { status: config.statuses[state.status] || state.status })
        );
      });
    });
  }

  /* Notes ---------------------------------------------------------------------------- */

  const commentForm = $("comment-form");
  if (commentForm) {
    const errors = new HT.FormErrors($("comment-error"), {
      note: { error: "err-comment-note", control: "comment-note" },
    });
    commentForm.addEventListener("submit", function (event) {
      event.preventDefault();
      errors.clear();
      const note = $("comment-note").value.trim();
      if (!note) {
        errors.showApiError({ field: "note", message: gettext("Write the note first.") });
        return;
      }
      const isPublic = $("comment-public").checked;
      send(config.urls.comments, { note: note, public: isPublic }, $("comment-submit"), errors, function () {
        flashThenReload(isPublic ? gettext("Public note added; the citizen is notified.") : gettext("Internal note added."));
      });
    });
  }

  /* Publication (operations centre) ---------------------------------------------------- */

  const publicationForm = $("publication-form");
  if (publicationForm) {
    const errors = new HT.FormErrors($("publication-error"), {
      public_description: { error: "err-publication-text", control: "publication-text" },
      photos: { error: "err-publication-photos" },
      note: { error: "err-publication-note", control: "publication-note" },
    });
    const decide = function (decision, button) {
      const body = {
        decision: decision,
        note: $("publication-note").value.trim(),
        expected: $("publication-expected").value,
      };
      if (decision === "approve") {
        body.public_description = $("publication-text").value;
        body.photos = Array.from(publicationForm.querySelectorAll("input[name=publication-photo]:checked")).map(
          function (box) {
            return Number(box.value);
          }
        );
      }
      send(config.urls.publication, body, button, errors, function () {
        flashThenReload(
          decision === "approve"
            ? gettext("Approved: the public now reads the text and photos chosen.")
            : gettext("Withheld: the public sees no words or photos of this report.")
        );
      });
    };
    publicationForm.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    if ($("publication-approve")) {
      $("publication-approve").addEventListener("click", function () {
        decide("approve", $("publication-approve"));
      });
    }
    $("publication-withhold").addEventListener("click", function () {
      decide("withhold", $("publication-withhold"));
    });
  }

  /* Routing by hand ------------------------------------------------------------------ */

  const reassignForm = $("reassign-form");
  if (reassignForm) {
    const errors = new HT.FormErrors($("reassign-error"), {
      department: { error: "err-reassign-department", control: "reassign-department" },
      note: { error: "err-reassign-note", control: "reassign-note" },
    });
    reassignForm.addEventListener("submit", function (event) {
      event.preventDefault();
      errors.clear();
      const department = $("reassign-department").value;
      const note = $("reassign-note").value.trim();
      if (!department) {
        errors.showApiError({ field: "department", message: gettext("Choose a department.") });
        return;
      }
      if (!note) {
        errors.showApiError({ field: "note", message: gettext("Say why it goes there.") });
        return;
      }
      send(config.urls.reassign, { department: department, note: note }, $("reassign-submit"), errors, function (body) {
        flashThenReload(HT.format(gettext("Handed to %(department)s."), { department: departmentName(body) }));
      });
    });
  }

  const categoryForm = $("category-form");
  if (categoryForm) {
    const errors = new HT.FormErrors($("category-error"), {
      category: { error: "err-category", control: "category-select" },
    });
    categoryForm.addEventListener("submit", function (event) {
      event.preventDefault();
      errors.clear();
      const category = $("category-select").value;
      if (!category) {
        errors.showApiError({ field: "category", message: gettext("Choose a category.") });
        return;
      }
      send(config.urls.category, { category: category }, $("category-submit"), errors, function (body) {
        flashThenReload(
          HT.format(gettext("Category changed. The report was routed again: %(department)s."), {
            department: departmentName(body),
          })
        );
      });
    });
  }
})();
