/* The tracking page (/r/<code>): the map with the pin, the "sent" banner after a
 * submission (with the receipt secret, shown once), and the reporter's forms: add
 * information to an open report, rate a resolved one. Both send the receipt secret
 * (X-Receipt-Secret), read from the address's fragment (/r/<code>#k=<secret>: a
 * fragment never reaches the server's logs or a Referer) or typed in a field. */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const config = HT.config();
  const $ = function (id) {
    return document.getElementById(id);
  };

  const map = HT.map.create($("map"), config.map);
  L.marker(config.map.pin, {
    keyboard: false,
    title: gettext("Place of the problem"),
    alt: gettext("Pin"),
  }).addTo(map);

  /* The receipt secret: from the fragment, else kept from earlier in this tab. */
  const RECEIPT_STORE = "ht-receipt-" + config.code;
  function fragmentSecret() {
    const match = /(?:^#|&)k=([^&]*)/.exec(window.location.hash || "");
    return match ? decodeURIComponent(match[1]).trim() : "";
  }
  let secret = fragmentSecret();
  try {
    if (secret) window.sessionStorage.setItem(RECEIPT_STORE, secret);
    else secret = window.sessionStorage.getItem(RECEIPT_STORE) || "";
  } catch (error) {
    /* no sessionStorage: the fragment or the field only */
  }

  try {
    if (window.sessionStorage.getItem("ht-sent") === config.code) {
      window.sessionStorage.removeItem("ht-sent");
      $("sent-banner").hidden = false;
      if (secret) {
        $("receipt-secret").textContent = secret;
        $("receipt-shown").hidden = false;
      }
    }
  } catch (error) {
    /* no sessionStorage: no banner */
  }

  const ask = $("receipt-ask");
  if (ask && secret) ask.hidden = true;

  /** The secret to send: the one the page was given, else the one typed. */
  function receipt() {
    if (secret) return secret;
    const typed = $("receipt") ? $("receipt").value.trim() : "";
    if (typed) {
      try {
        window.sessionStorage.setItem(RECEIPT_STORE, typed);
      } catch (error) {
        /* kept for this page only */
      }
    }
    return typed;
  }

  /** A refused secret: forget it and ask for one. */
  function receiptRefused(error) {
    if (error.field !== "receipt") return;
    secret = "";
    try {
      window.sessionStorage.removeItem(RECEIPT_STORE);
    } catch (storageError) {
      /* nothing kept */
    }
    if (ask) ask.hidden = false;
  }

  const receiptSlot = { error: "err-receipt", control: "receipt" };

  async function citizenPost(url, body) {
    return HT.api(url, {
      method: "POST",
      json: body,
      headers: { "X-Receipt-Secret": receipt() },
    });
  }

  function needsReceipt(errors) {
    if (receipt()) return false;
    if (ask) ask.hidden = false;
    errors.showApiError({
      field: "receipt",
      message: gettext("Paste the receipt secret you were given when you sent the report."),
    });
    return true;
  }

  const infoForm = $("info-form");
  if (infoForm) {
    const infoErrors = new HT.FormErrors($("info-error"), {
      note: { error: "err-info-note", control: "info-note" },
      receipt: receiptSlot,
    });
    let infoSending = false;
    infoForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (infoSending) return;
      infoErrors.clear();
      $("info-sent").hidden = true;
      if (!$("info-note").value.trim()) {
        infoErrors.showApiError({ field: "note", message: gettext("Write the information to add.") });
        return;
      }
      if (needsReceipt(infoErrors)) return;
      infoSending = true;
      $("info-submit").disabled = true;
      try {
        await citizenPost(config.urls.info, { note: $("info-note").value });
        $("info-note").value = "";
        $("info-sent").hidden = false;
      } catch (error) {
        receiptRefused(error);
        infoErrors.showApiError(error);
      }
      infoSending = false;
      $("info-submit").disabled = false;
    });
  }

  const form = $("rating-form");
  if (!form) return;

  const reopen = $("reopen");
  const errors = new HT.FormErrors($("rating-error"), {
    rating: { error: "err-rating" },
    reopen: { error: "err-rating" },
    note: { error: "err-note", control: "note" },
    receipt: receiptSlot,
  });

  form.querySelectorAll("input[name=rating]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      const dissatisfied = form.querySelector("input[name=rating]:checked").value === "dissatisfied";
      reopen.disabled = !dissatisfied;
      if (!dissatisfied) reopen.checked = false;
    });
  });

  let sending = false;
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (sending) return;
    errors.clear();
    const chosen = form.querySelector("input[name=rating]:checked");
    if (!chosen) {
      errors.showApiError({ field: "rating", message: gettext("Choose a rating.") });
      return;
    }
    if (reopen.checked && !$("note").value.trim()) {
      errors.showApiError({ field: "note", message: gettext("Say what is still wrong, so the office knows what to fix.") });
      return;
    }
    if (needsReceipt(errors)) return;
    sending = true;
    $("rating-submit").disabled = true;
    try {
      await citizenPost(config.urls.rating, {
        rating: chosen.value,
        note: $("note").value,
        reopen: reopen.checked,
      });
      window.location.reload();
    } catch (error) {
      sending = false;
      $("rating-submit").disabled = false;
      receiptRefused(error);
      errors.showApiError(error);
    }
  });
})();
