/* Hiện Trường page toolkit (window.HT): configuration, translation, the JSON API with
 * its bilingual errors, form error display, dates and ids. Plain ES2017, no build step;
 * every page loads it after Django's JavaScript catalog (/jsi18n/) and before its own
 * script. */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});

  /* Language and translation ------------------------------------------------------ */

  HT.lang = (document.documentElement.lang || "vi").slice(0, 2) === "en" ? "en" : "vi";

  // gettext comes from Django's catalog (/jsi18n/); if it did not load, the English
  // msgids show rather than nothing.
  if (typeof window.gettext !== "function") {
    window.gettext = function (text) {
      return text;
    };
  }
  const gettext = window.gettext;

  /** interpolate(gettext("… %(name)s …"), {name: …}) */
  HT.format = function (template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  };

  /** Text made safe to put into HTML, in an element or an attribute's quotes
   * (quotes escaped too). */
  const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  HT.escape = function (text) {
    return (text == null ? "" : String(text)).replace(/[&<>"']/g, function (c) {
      return ENTITIES[c];
    });
  };

  /** The page's configuration, from a json_script element. */
  HT.config = function (id) {
    const element = document.getElementById(id || "page-config");
    return element ? JSON.parse(element.textContent) : {};
  };

  /* Numbers, dates, ids ------------------------------------------------------------ */

  const TIME_ZONE = "Asia/Ho_Chi_Minh";

  HT.formatNumber = function (value, digits) {
    return new Intl.NumberFormat(HT.lang === "en" ? "en-GB" : "vi-VN", {
      maximumFractionDigits: digits === undefined ? 0 : digits,
    }).format(value);
  };

  /** dd/mm/yyyy (with HH:mm when asked) in Asia/Ho_Chi_Minh, whatever the device's zone. */
  HT.formatDate = function (iso, withTime) {
    if (!iso) return "";
    const options = { timeZone: TIME_ZONE, day: "2-digit", month: "2-digit", year: "numeric" };
    if (withTime) Object.assign(options, { hour: "2-digit", minute: "2-digit", hour12: false });
    const parts = {};
    new Intl.DateTimeFormat("en-GB", options).formatToParts(new Date(iso)).forEach(function (p) {
      parts[p.type] = p.value;
    });
    const day = parts.day + "/" + parts.month + "/" + parts.year;
    return withTime ? day + " " + parts.hour + ":" + parts.minute : day;
  };

  HT.formatDistance = function (metres) {
    return metres < 1000
      ? HT.formatNumber(Math.round(metres)) + " m"
      : HT.formatNumber(metres / 1000, 1) + " km";
  };

  /** A random UUID; crypto.randomUUID exists only on https and localhost. */
  HT.uuid = function () {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  };

  /* The API ------------------------------------------------------------------------ */

  /** An error answer of the API ({"code","detail","messages":{"vi","en"},"field"}),
   * or a network failure (status 0), with the message in the page's language. */
  class ApiError extends Error {
    constructor(status, body) {
      const messages = (body && body.messages) || {};
      super(messages[HT.lang] || (body && body.detail) || gettext("Something went wrong. Please try again."));
      this.name = "ApiError";
      this.status = status;
      this.code = (body && body.code) || "error";
      this.field = (body && body.field) || null;
      this.messages = messages;
      this.body = body || {};
    }
  }
  HT.ApiError = ApiError;

  HT.csrfToken = function () {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };

  /**
   * fetch() for the JSON API. options: method, query (object), json (object), form
   * (FormData), headers, signal. Resolves to {status, body}; rejects with HT.ApiError.
   */
  HT.api = async function (url, options) {
    options = options || {};
    const method = options.method || "GET";
    const headers = Object.assign(
      { Accept: "application/json", "Accept-Language": HT.lang },
      options.headers || {}
    );
    let body;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.form) {
      body = options.form;
    }
    if (method !== "GET") headers["X-CSRFToken"] = HT.csrfToken();
    if (options.query) {
      const query = new URLSearchParams();
      Object.keys(options.query).forEach(function (key) {
        const value = options.query[key];
        if (value !== undefined && value !== null && value !== "") query.set(key, value);
      });
      url += (url.indexOf("?") < 0 ? "?" : "&") + query.toString();
    }
    let response;
    try {
      response = await fetch(url, {
        method: method,
        headers: headers,
        body: body,
        signal: options.signal,
        credentials: "same-origin",
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, {
        code: "network",
        messages: {
          [HT.lang]: gettext("Could not reach the server. Check your connection and try again."),
        },
      });
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return { status: response.status, body: data };
  };

  /* Form errors -------------------------------------------------------------------- */

  /**
   * Errors shown next to their fields. `slots` maps an API field name to the id of
   * its error element and the control to mark invalid; unknown fields go to the
   * form-level alert.
   */
  HT.FormErrors = class {
    constructor(alertElement, slots) {
      this.alert = alertElement;
      this.slots = slots;
      this.shown = [];
    }

    slotFor(field) {
      if (!field) return null;
      if (this.slots[field]) return this.slots[field];
      const base = String(field).replace(/\[\d+\]$/, "");
      return this.slots[base] || null;
    }

    clear() {
      this.shown.forEach(function (item) {
        item.element.hidden = true;
        item.element.textContent = "";
        if (item.control) item.control.removeAttribute("aria-invalid");
      });
      this.shown = [];
      if (this.alert) {
        this.alert.hidden = true;
        this.alert.textContent = "";
      }
    }

    /** Show one message at `field` (or in the alert); returns the element to focus. */
    show(field, message) {
      const slot = this.slotFor(field);
      if (!slot) {
        if (this.alert) {
          this.alert.textContent = message;
          this.alert.hidden = false;
        }
        return this.alert;
      }
      const element = document.getElementById(slot.error);
      const control = slot.control ? document.getElementById(slot.control) : null;
      element.textContent = message;
      element.hidden = false;
      if (control) control.setAttribute("aria-invalid", "true");
      this.shown.push({ element: element, control: control });
      return control || element;
    }

    showApiError(error) {
      const target = this.show(error.field, error.message);
      if (target && typeof target.focus === "function") {
        if (!target.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName)) {
          target.setAttribute("tabindex", "-1");
        }
        target.focus();
      }
      return target;
    }
  };
})();
