/* A place search box: type a name, pick a place with the arrow keys and Enter (or the
 * mouse), get its lon/lat. Plain ES2017, no dependency (not even ht.js or Leaflet):
 * drop it into any page with a text input.
 *
 *   const box = HTPlaceSearch.attach(input, {
 *     url: "/api/v1/places/search",      // required: answers ?q=&limit= with a GeoJSON
 *                                         // FeatureCollection of Point features whose
 *                                         // properties are {kind, name, score,
 *                                         // today: {code, name, level} | null}
 *     onPick(place) {},                   // required: place = {lon, lat, name, kind,
 *                                         // today, label, feature}
 *     onClear() {},                       // optional: Esc on a box showing a choice
 *     limit: 8, delay: 200, minLength: 2, // optional: results, debounce (ms), characters
 *     lang: "vi",                         // optional: "vi" or "en" for its few words
 *   });
 *   box.clear();          // empty the box and close the list (onClear not called)
 *   box.setText(text);    // show a choice made elsewhere (a map click), no search
 *   box.destroy();        // remove the listeners and the list
 *
 * Behaviour: requests are debounced and a newer one aborts the older (AbortController),
 * so a slow answer never replaces a newer one. Keys: ↓/↑ move through the results
 * (opening the list), Enter picks the active result (the first if none is active; an
 * Enter typed before the answer arrives picks its first result), Esc closes the list,
 * and a second Esc clears the choice. While the list is open or an answer is awaited,
 * Enter does not submit the surrounding form. Markup follows the WAI-ARIA 1.2 combobox
 * pattern: the input gets role=combobox, aria-expanded, aria-controls and
 * aria-activedescendant; the list role=listbox with role=option items; a polite live
 * region says how many places were found. Each option shows the name, its kind and the
 * unit it falls in today. Style hooks: .place-search-list, .place-search-option
 * (.is-active), .place-search-kind, .place-search-today, .place-search-status.
 */
(function () {
  "use strict";

  const WORDS = {
    vi: {
      unit: "đơn vị hành chính",
      street: "đường phố",
      poi: "địa điểm",
      place: "địa danh",
      today: "nay thuộc",
      found: "Tìm thấy %n địa điểm. Dùng ↑ ↓ và Enter để chọn.",
      none: "Không tìm thấy địa điểm nào.",
      failed: "Không tìm được lúc này. Hãy thử lại.",
    },
    en: {
      unit: "administrative unit",
      street: "street",
      poi: "point of interest",
      place: "place",
      today: "today in",
      found: "%n places found. Use ↑ ↓ and Enter to choose.",
      none: "No place found.",
      failed: "The search failed. Please try again.",
    },
  };

  let counter = 0;

  function attach(input, options) {
    if (!input || !options || !options.url || typeof options.onPick !== "function") {
      throw new Error("HTPlaceSearch.attach(input, {url, onPick}) needs both");
    }
    const limit = options.limit || 8;
    const delay = options.delay === undefined ? 200 : options.delay;
    const minLength = options.minLength || 2;
    const words = WORDS[options.lang === "en" ? "en" : "vi"];
    const id = "place-search-" + ++counter;

    const list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "place-search-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    const label = input.labels && input.labels[0];
    if (label) {
      if (!label.id) label.id = id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    const status = document.createElement("p");
    status.className = "place-search-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    let results = [];
    let active = -1;
    let timer = null;
    let controller = null;
    let pending = false; // a search is waiting for its answer
    let enterWaiting = false; // Enter was pressed before the answer came
    let chosen = input.value.trim() !== ""; // the box shows a choice

    function kindLabel(kind) {
      // kind comes from imported data: "constructor" or "toString" must not reach
      // the object's prototype.
      if (kind && Object.prototype.hasOwnProperty.call(words, kind)) return words[kind];
      return kind ? String(kind) : words.place;
    }

    function open() {
      if (!results.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      Array.prototype.forEach.call(list.children, function (item) {
        item.classList.remove("is-active");
        item.setAttribute("aria-selected", "false");
      });
    }

    function place(feature) {
      const p = feature.properties || {};
      const coordinates = feature.geometry.coordinates;
      const today = p.today && p.today.name && p.today.name !== p.name ? p.today.name : "";
      return {
        lon: coordinates[0],
        lat: coordinates[1],
        name: p.name,
        kind: p.kind,
        today: p.today || null,
        label: today ? p.name + " (" + words.today + " " + today + ")" : p.name,
        feature: feature,
      };
    }

    function render() {
      list.textContent = "";
      results.forEach(function (feature, index) {
        const p = feature.properties || {};
        const item = document.createElement("li");
        item.id = id + "-option-" + index;
        item.className = "place-search-option";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        const name = document.createElement("span");
        name.className = "place-search-name";
        name.textContent = p.name;
        const kind = document.createElement("span");
        kind.className = "place-search-kind";
        kind.textContent = kindLabel(p.kind);
        item.appendChild(name);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(kind);
        if (p.today && p.today.name) {
          const today = document.createElement("span");
          today.className = "place-search-today";
          today.textContent = words.today + " " + p.today.name;
          item.appendChild(document.createTextNode(" "));
          item.appendChild(today);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          pick(index);
        });
        list.appendChild(item);
      });
    }

    function highlight(index) {
      if (!results.length) return;
      active = (index + results.length) % results.length;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.classList.toggle("is-active", i === active);
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      const item = list.children[active];
      input.setAttribute("aria-activedescendant", item.id);
      if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      const feature = results[index];
      if (!feature) return;
      const chosenPlace = place(feature);
      input.value = chosenPlace.label;
      chosen = true;
      close();
      status.textContent = "";
      options.onPick(chosenPlace);
    }

    async function search(text) {
      if (controller) controller.abort();
      controller = new AbortController();
      const signal = controller.signal;
      const url =
        options.url +
        (options.url.indexOf("?") < 0 ? "?" : "&") +
        "q=" + encodeURIComponent(text) + "&limit=" + limit;
      pending = true;
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: signal,
        });
        const body = await response.json();
        if (!response.ok) throw new Error((body && body.detail) || response.status);
        results = (body.features || []).filter(function (f) {
          return f.geometry && f.geometry.type === "Point";
        });
        pending = false;
        render();
        status.textContent = results.length
          ? words.found.replace("%n", results.length)
          : words.none;
        if (enterWaiting) {
          enterWaiting = false;
          if (results.length) pick(0);
          return;
        }
        if (document.activeElement === input) open();
      } catch (error) {
        if (error.name === "AbortError") return; // a newer search replaced it
        pending = false;
        enterWaiting = false;
        results = [];
        render();
        close();
        status.textContent = words.failed;
      }
    }

    function onInput() {
      chosen = false;
      enterWaiting = false;
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < minLength) {
        if (controller) controller.abort();
        pending = false;
        results = [];
        render();
        close();
        status.textContent = "";
        return;
      }
      pending = true;
      timer = setTimeout(function () {
        search(text);
      }, delay);
    }

    function onKeydown(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp":
          if (!results.length) return;
          event.preventDefault();
          open();
          highlight(active < 0 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
          break;
        case "Enter":
          if (!list.hidden && results.length) {
            event.preventDefault();
            pick(active < 0 ? 0 : active);
          } else if (pending) {
            event.preventDefault();
            enterWaiting = true;
          } else if (!chosen && input.value.trim()) {
            event.preventDefault(); // text typed but nothing picked: do not submit
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            const hadChoice = chosen;
            clear();
            if (hadChoice && typeof options.onClear === "function") options.onClear();
          }
          break;
        default:
      }
    }

    function onBlur() {
      setTimeout(close, 150);
    }

    function onFocus() {
      if (!chosen) open();
    }

    function clear() {
      clearTimeout(timer);
      if (controller) controller.abort();
      pending = false;
      enterWaiting = false;
      chosen = false;
      input.value = "";
      results = [];
      render();
      close();
      status.textContent = "";
    }

    function setText(text) {
      clearTimeout(timer);
      if (controller) controller.abort();
      pending = false;
      enterWaiting = false;
      input.value = text;
      chosen = true;
      results = [];
      render();
      close();
    }

    input.addEventListener("input", onInput);
    input.addEventListener("keydown", onKeydown);
    input.addEventListener("blur", onBlur);
    input.addEventListener("focus", onFocus);

    return {
      clear: clear,
      setText: setText,
      destroy: function () {
        clear();
        input.removeEventListener("input", onInput);
        input.removeEventListener("keydown", onKeydown);
        input.removeEventListener("blur", onBlur);
        input.removeEventListener("focus", onFocus);
        list.remove();
        status.remove();
      },
    };
  }

  window.HTPlaceSearch = { attach: attach };
})();
