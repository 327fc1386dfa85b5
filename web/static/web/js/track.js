/* The tracking page (/r/<code>): the map with the pin, the "sent" banner after a
 * submission, and the rating form of a resolved report (posted to the rating API). */
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

  try {
    if (window.sessionStorage.getItem("ht-sent") === config.code) {
      window.sessionStorage.removeItem("ht-sent");
      $("sent-banner").hidden = false;
    }
  } catch (error) {
    /* no sessionStorage: no banner */
  }

  const form = $("rating-form");
  if (!form) return;

  const reopen = $("reopen");
  const errors = new HT.FormErrors($("rating-error"), {
    rating: { error: "err-rating" },
    reopen: { error: "err-rating" },
    note: { error: "err-note", control: "note" },
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
    sending = true;
    $("rating-submit").disabled = true;
    try {
      await HT.api(config.urls.rating, {
        method: "POST",
        json: { rating: chosen.value, note: $("note").value, reopen: reopen.checked },
      });
      window.location.reload();
    } catch (error) {
      sending = false;
      $("rating-submit").disabled = false;
      errors.showApiError(error);
    }
  });
})();
