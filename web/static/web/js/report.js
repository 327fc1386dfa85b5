/* The citizen's report form (/): pin on the map, category, who will handle it and
 * possible duplicates, description, photos, contact, and a submission that is made
 * once whatever the clicks and retries (one Idempotency-Key per form). */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const config = HT.config();
  const limits = config.limits;
  const $ = function (id) {
    return document.getElementById(id);
  };

  const form = $("report-form");
  const latInput = $("lat");
  const lonInput = $("lon");
  const accuracyInput = $("accuracy_m");
  const submitButton = $("submit");

  const state = {
    latlng: null,
    accuracy: null,
    category: null,
    photos: [], // {file, url}
    // One key for this form: a double click or a retry after a lost answer sends
    // the same key, and the server answers with the report it already made.
    key: HT.uuid(),
    sending: false,
  };

  const errors = new HT.FormErrors($("form-error"), {
    lon: { error: "err-location", control: "lon" },
    lat: { error: "err-location", control: "lat" },
    accuracy_m: { error: "err-location", control: "lat" },
    category: { error: "err-category" },
    description: { error: "err-description", control: "description" },
    photos: { error: "err-photos", control: "photos" },
    photo: { error: "err-photos", control: "photos" },
    reporter_name: { error: "err-reporter_name", control: "reporter_name" },
    reporter_phone: { error: "err-reporter_phone", control: "reporter_phone" },
    reporter_email: { error: "err-reporter_email", control: "reporter_email" },
    anonymous: { error: "err-reporter_phone", control: "reporter_phone" },
  });

  /* The map and the pin -------------------------------------------------------------- */

  const mapElement = $("map");
  const map = HT.map.create(mapElement, config.map);
  let marker = null;
  let accuracyCircle = null;
  const duplicateLayer = L.layerGroup().addTo(map);

  let placeBox = null; // the search box, attached below

  function setPin(latlng, options) {
    options = options || {};
    state.latlng = L.latLng(latlng.lat, latlng.lng);
    state.accuracy = options.accuracy === undefined ? null : Math.round(options.accuracy);
    if (!marker) {
      marker = L.marker(state.latlng, {
        draggable: true,
        autoPan: true,
        title: gettext("Place of the problem (drag to move)"),
        alt: gettext("Pin"),
      }).addTo(map);
      marker.on("dragend", function () {
        setPin(marker.getLatLng(), { source: "drag" });
      });
    } else {
      marker.setLatLng(state.latlng);
    }
    if (accuracyCircle) {
      accuracyCircle.remove();
      accuracyCircle = null;
    }
    if (state.accuracy !== null) {
      accuracyCircle = L.circle(state.latlng, {
        radius: state.accuracy,
        interactive: false,
        weight: 1,
        color: "#0b4f8a",
        fillOpacity: 0.08,
      }).addTo(map);
    }
    if (options.source !== "search" && placeBox) placeBox.clear();
    if (options.source !== "input") {
      latInput.value = state.latlng.lat.toFixed(6);
      lonInput.value = state.latlng.lng.toFixed(6);
    }
    accuracyInput.value = state.accuracy === null ? "" : String(state.accuracy);
    const accuracyNote = $("accuracy");
    accuracyNote.hidden = state.accuracy === null;
    accuracyNote.textContent =
      state.accuracy === null
        ? ""
        : HT.format(gettext("Your device places you within about %(distance)s."), {
            distance: HT.formatDistance(state.accuracy),
          });
    $("map-hint").hidden = true;
    $("map-next").hidden = false;
    clearFieldError("err-location", [latInput, lonInput]);
    schedulePreview();
  }

  // A street, a place or a ward by name puts the pin there (the citizen drags it to
  // the exact spot); a pin placed another way empties the box.
  placeBox = window.HTPlaceSearch.attach($("place-search"), {
    url: config.urls.places,
    lang: HT.lang,
    onPick: function (place) {
      const latlng = L.latLng(place.lat, place.lon); // Leaflet is [lat, lng]
      setPin(latlng, { source: "search" });
      map.setView(latlng, Math.max(map.getZoom(), 17));
    },
  });

  map.on("click", function (event) {
    setPin(event.latlng, { source: "map" });
  });

  // Keyboard: Enter or Space on the focused map places the pin at its centre.
  mapElement.addEventListener("keydown", function (event) {
    if (event.target !== mapElement) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      setPin(map.getCenter(), { source: "map" });
    }
  });

  function parseDegrees(text) {
    const cleaned = String(text || "").trim().replace(",", ".");
    return /^-?\d{1,3}(\.\d+)?$/.test(cleaned) ? parseFloat(cleaned) : NaN;
  }

  function fromInputs() {
    if (!latInput.value.trim() || !lonInput.value.trim()) return;
    const lat = parseDegrees(latInput.value);
    const lon = parseDegrees(lonInput.value);
    errors.clear();
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) > 90 && Math.abs(lon) <= 90) {
      errors.show(
        "lat",
        gettext("Latitude and longitude look swapped: in Đồng Hới the latitude is about 17.5 and the longitude about 106.6.")
      );
      return;
    }
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      errors.show(
        "lat",
        gettext("Type the latitude and longitude in decimal degrees, for example 17.4689 and 106.6155.")
      );
      return;
    }
    const latlng = HT.map.fromLonLat(lon, lat);
    setPin(latlng, { source: "input" });
    map.setView(latlng, Math.max(map.getZoom(), 15));
  }
  latInput.addEventListener("change", fromInputs);
  lonInput.addEventListener("change", fromInputs);

  /* Locate me ---------------------------------------------------------------------- */

  function locate(button) {
    errors.clear();
    if (!navigator.geolocation) {
      errors.show("lat", gettext("This browser cannot find your location. Tap the map instead."));
      return;
    }
    const label = button.querySelector("span") || button;
    const original = label.textContent;
    button.disabled = true;
    label.textContent = gettext("Finding you…");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        button.disabled = false;
        label.textContent = original;
        const latlng = HT.map.fromLonLat(position.coords.longitude, position.coords.latitude);
        setPin(latlng, { source: "gps", accuracy: position.coords.accuracy });
        map.setView(latlng, 17);
      },
      function (error) {
        button.disabled = false;
        label.textContent = original;
        errors.show(
          "lat",
          error.code === error.PERMISSION_DENIED
            ? gettext("Location permission was refused. Tap the map or type the coordinates instead.")
            : gettext("Could not find your location. Tap the map or type the coordinates instead.")
        );
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }
  $("locate").addEventListener("click", function () {
    locate($("locate"));
  });
  $("locate-map").addEventListener("click", function () {
    locate($("locate-map"));
  });

  /* Category ----------------------------------------------------------------------- */

  form.querySelectorAll("input[name=category]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      state.category = radio.value;
      clearFieldError("err-category", []);
      publicChoice();
      schedulePreview();
    });
  });

  /* Whether the report may be shown publicly --------------------------------------- */

  // On by default for a named report, off when the citizen ticks "anonymous" (they
  // may tick it again); a sensitive category is never public, so no choice there.
  function publicChoice() {
    const chosen = form.querySelector("input[name=category]:checked");
    const sensitive = Boolean(chosen && chosen.dataset.sensitive);
    $("public").disabled = sensitive;
    $("public-choice").hidden = sensitive;
    $("public-help").hidden = sensitive;
    $("public-sensitive").hidden = !sensitive;
  }
  $("anonymous").addEventListener("change", function () {
    $("public").checked = !$("anonymous").checked;
  });
  publicChoice();

  /* Who will handle it, and possible duplicates ------------------------------------ */

  let previewTimer = null;
  let previewSeq = 0;

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 200);
  }

  function show(id, text) {
    const element = $(id);
    if (text !== undefined) element.textContent = text;
    element.hidden = false;
    return element;
  }

  function hide() {
    for (let i = 0; i < arguments.length; i++) $(arguments[i]).hidden = true;
  }

  async function preview() {
    if (!state.latlng) return;
    const seq = ++previewSeq;
    const point = HT.map.toLonLat(state.latlng);
    const query = { lon: point.lon.toFixed(6), lat: point.lat.toFixed(6) };
    $("preview").hidden = false;
    show("preview-loading");
    hide("preview-error", "preview-reason", "preview-edge");
    try {
      if (!state.category) {
        const found = await HT.api(config.urls.lookup, { query: query });
        if (seq !== previewSeq) return;
        $("preview-unit").textContent = found.body.unit.name;
        $("preview-department").textContent = gettext("Choose what it is about to see who handles it.");
        show("preview-result");
        renderDuplicates([]);
      } else {
        query.category = state.category;
        const answers = await Promise.all([
          HT.api(config.urls.explain, { query: query }),
          HT.api(config.urls.nearby, { query: query }).catch(function () {
            return { body: { duplicates: [] } };
          }),
        ]);
        if (seq !== previewSeq) return;
        const decision = answers[0].body;
        $("preview-unit").textContent = decision.unit.name;
        $("preview-department").textContent =
          HT.lang === "en" ? decision.department.name_en : decision.department.name_vi;
        show("preview-result");
        show("preview-reason", HT.lang === "en" ? decision.reason_en : decision.reason_vi);
        $("preview-edge").hidden = !decision.near_edge;
        renderDuplicates(answers[1].body.duplicates || []);
      }
      $("place").textContent = HT.format(gettext("Pin in %(unit)s."), {
        unit: $("preview-unit").textContent,
      });
      describeNear(query, seq);
    } catch (error) {
      if (seq !== previewSeq) return;
      hide("preview-result");
      renderDuplicates([]);
      show("preview-error", error.message);
      $("place").textContent = "";
    } finally {
      if (seq === previewSeq) hide("preview-loading");
    }
  }

  // "Near Chợ Đồng Hới": the nearest street or place within a few hundred metres
  // (OpenStreetMap data, credited), added to the pin's line when it is known.
  async function describeNear(query, seq) {
    try {
      const near = (await HT.api(config.urls.reverse, { query: { lon: query.lon, lat: query.lat } })).body;
      if (seq !== previewSeq || !near.phrase) return;
      $("place").textContent =
        HT.format(gettext("Pin in %(unit)s."), { unit: $("preview-unit").textContent }) +
        " " + (HT.lang === "en" ? near.phrase.en : near.phrase.vi) +
        (near.attribution ? " (" + near.attribution + ")" : "");
    } catch (error) {
      // The unit line stands on its own; the place name is a nicety.
    }
  }

  function trackUrl(code) {
    return config.urls.track.replace(config.urls.track_placeholder, encodeURIComponent(code));
  }

  function renderDuplicates(duplicates) {
    const list = $("duplicate-list");
    list.textContent = "";
    duplicateLayer.clearLayers();
    $("duplicates").hidden = duplicates.length === 0;
    duplicates.forEach(function (duplicate) {
      const item = document.createElement("li");
      const status = config.statuses[duplicate.status] || duplicate.status;
      item.innerHTML =
        '<span class="duplicate-code">' + HT.escape(duplicate.tracking_code) + "</span>" +
        '<span class="duplicate-meta">' +
        HT.escape(
          [status, HT.formatDistance(duplicate.distance_m), HT.formatDate(duplicate.reported_at)].join(" · ")
        ) +
        "</span>";
      const link = document.createElement("a");
      link.href = trackUrl(duplicate.tracking_code);
      link.className = "button button-small";
      link.textContent = gettext("Follow this report instead");
      item.appendChild(link);
      list.appendChild(item);
      L.circleMarker(HT.map.fromLonLat(duplicate.lon, duplicate.lat), {
        radius: 8,
        color: "#9a3412",
        weight: 2,
        fillColor: "#fb923c",
        fillOpacity: 0.8,
      })
        .bindTooltip(duplicate.tracking_code)
        .addTo(duplicateLayer);
    });
  }

  /* Description -------------------------------------------------------------------- */

  const description = $("description");
  const counter = $("description-count");
  function count() {
    const length = description.value.length;
    counter.textContent = HT.formatNumber(length) + "/" + HT.formatNumber(limits.description);
    counter.classList.toggle("counter-near", length > limits.description * 0.9);
  }
  description.addEventListener("input", count);
  count();

  /* Photos ------------------------------------------------------------------------- */

  const photoInput = $("photos");
  const photoList = $("photo-list");

  function renderPhotos() {
    photoList.textContent = "";
    state.photos.forEach(function (photo, index) {
      const item = document.createElement("li");
      const image = document.createElement("img");
      image.src = photo.url;
      image.alt = photo.file.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "photo-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", HT.format(gettext("Remove photo %(name)s"), { name: photo.file.name }));
      remove.addEventListener("click", function () {
        URL.revokeObjectURL(photo.url);
        state.photos.splice(index, 1);
        renderPhotos();
        photoInput.focus();
      });
      item.appendChild(image);
      item.appendChild(remove);
      photoList.appendChild(item);
    });
  }

  photoInput.addEventListener("change", function () {
    clearFieldError("err-photos", [photoInput]);
    const problems = [];
    Array.from(photoInput.files).forEach(function (file) {
      if (state.photos.length >= limits.photos) {
        problems.push(HT.format(gettext("At most %(count)s photos per report."), { count: limits.photos }));
      } else if (limits.photo_types.indexOf(file.type) < 0) {
        problems.push(HT.format(gettext("“%(name)s” is not a JPEG, PNG or WebP image."), { name: file.name }));
      } else if (file.size > limits.photo_bytes) {
        problems.push(
          HT.format(gettext("“%(name)s” is larger than %(size)s MB."), {
            name: file.name,
            size: Math.round(limits.photo_bytes / 1048576),
          })
        );
      } else {
        state.photos.push({ file: file, url: URL.createObjectURL(file) });
      }
    });
    photoInput.value = "";
    renderPhotos();
    if (problems.length) errors.show("photos", Array.from(new Set(problems)).join(" "));
  });

  /* Sending ------------------------------------------------------------------------ */

  function clearFieldError(id, controls) {
    const element = $(id);
    element.hidden = true;
    element.textContent = "";
    controls.forEach(function (control) {
      control.removeAttribute("aria-invalid");
    });
  }

  function sending(on) {
    state.sending = on;
    submitButton.disabled = on;
    submitButton.setAttribute("aria-busy", on ? "true" : "false");
    submitButton.textContent = on ? gettext("Sending…") : gettext("Send report");
    $("submit-status").textContent = on ? gettext("Sending your report…") : "";
  }

  function fieldValue(id) {
    return $(id).value;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (state.sending) return;
    errors.clear();
    if (!state.latlng) {
      errors.showApiError({
        field: "lat",
        message: gettext("Place the pin on the map, use your location or type the coordinates."),
      });
      return;
    }
    if (!state.category) {
      const target = errors.show("category", gettext("Choose what the problem is about."));
      target.scrollIntoView({ block: "center" });
      form.querySelector("input[name=category]").focus();
      return;
    }
    const point = HT.map.toLonLat(state.latlng);
    const data = new FormData();
    data.append("lon", point.lon.toFixed(7));
    data.append("lat", point.lat.toFixed(7));
    if (state.accuracy !== null) data.append("accuracy_m", String(state.accuracy));
    data.append("category", state.category);
    data.append("description", fieldValue("description"));
    data.append("reporter_name", fieldValue("reporter_name"));
    data.append("reporter_phone", fieldValue("reporter_phone"));
    data.append("reporter_email", fieldValue("reporter_email"));
    data.append("anonymous", $("anonymous").checked ? "true" : "false");
    data.append("public", $("public").checked && !$("public").disabled ? "true" : "false");
    state.photos.forEach(function (photo) {
      data.append("photos", photo.file, photo.file.name);
    });
    sending(true);
    try {
      const result = await HT.api(config.urls.submit, {
        method: "POST",
        form: data,
        headers: { "Idempotency-Key": state.key },
      });
      const code = result.body.tracking_code;
      try {
        window.sessionStorage.setItem("ht-sent", code);
      } catch (error) {
        /* private mode: no banner, nothing else lost */
      }
      $("submit-status").textContent = gettext("Sent. Opening the tracking page…");
      // The receipt secret rides in the fragment: the page shows it once and uses
      // it for the reporter's actions; a fragment is never sent to the server.
      const secret = result.body.receipt_secret;
      window.location.assign(trackUrl(code) + (secret ? "#k=" + encodeURIComponent(secret) : ""));
    } catch (error) {
      sending(false);
      errors.showApiError(error);
    }
  });
})();
