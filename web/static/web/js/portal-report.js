/* A public report's page (/ket-qua/<code>): the map with the report's place
 * (rounded to about ten metres, as everything public). */
(function () {
  "use strict";

  const HT = window.HT;
  const L = window.L;
  const config = HT.config();
  const map = HT.map.create(document.getElementById("map"), config.map);
  L.marker(config.map.pin, { keyboard: false }).addTo(map);
})();
