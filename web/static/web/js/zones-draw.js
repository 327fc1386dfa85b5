/* The shape being edited (HT.zonesDraw): its polygons in one layer group, and the
 * tools that change them through Leaflet-Geoman — draw a polygon, move vertices, cut a
 * piece out (which may split a polygon in two), delete a polygon. Drawing and editing
 * snap to what is on the map: the ward and commune outlines (map.js) and the zones.
 *
 *   const shape = HT.zonesDraw.create(map, { onChange, onMode });
 *   shape.load(geojson); shape.setMode("draw" | "edit" | "cut" | "remove" | null);
 *   shape.geometry();   // a GeoJSON MultiPolygon, or null when there is no polygon
 */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const L = window.L;
  const gettext = window.gettext;

  const SNAP_DISTANCE = 18; // pixels

  function translateGeoman(map) {
    map.pm.setLang(
      "ht",
      {
        tooltips: {
          firstVertex: gettext("Click to place the first corner"),
          continueLine: gettext("Click to place the next corner"),
          finishLine: gettext("Click the first corner to close the polygon"),
          finishPoly: gettext("Click the first corner to close the polygon"),
        },
      },
      "en"
    );
  }

  function create(map, callbacks) {
    const group = L.featureGroup().addTo(map);
    let colour = "#0b4f8a";
    let mode = null;
    let snapping = true;

    map.pm.setGlobalOptions({
      panes: { layerPane: "ht-edit", vertexPane: "markerPane", markerPane: "markerPane" },
      snapDistance: SNAP_DISTANCE,
      allowSelfIntersection: true, // the server's validation names the fault and repairs it
    });
    translateGeoman(map);

    function style() {
      return { pane: "ht-edit", color: colour, weight: 3, opacity: 1, fillColor: colour, fillOpacity: 0.28 };
    }

    function changed(reason) {
      if (callbacks.onChange) callbacks.onChange(reason);
    }

    function editOptions() {
      return {
        snappable: snapping,
        snapDistance: SNAP_DISTANCE,
        allowSelfIntersection: true,
        draggable: false,
        preventMarkerRemoval: false,
      };
    }

    function addPart(latlngs) {
      const part = L.polygon(latlngs, style());
      part.on("pm:edit", function () { changed("edit"); });
      part.on("click", function (event) {
        if (mode !== "remove") return;
        L.DomEvent.stopPropagation(event);
        group.removeLayer(part);
        changed("remove");
        if (!group.getLayers().length) setMode(null);
      });
      group.addLayer(part);
      if (mode === "edit") part.pm.enable(editOptions());
      return part;
    }

    function addPolygons(polygons) {
      polygons.forEach(function (coordinates) {
        addPart(L.GeoJSON.coordsToLatLngs(coordinates, 1));
      });
    }

    /* Geoman's events ------------------------------------------------------------ */

    map.on("pm:create", function (event) {
      if (mode !== "draw") return;
      map.removeLayer(event.layer);
      addPart(event.layer.getLatLngs());
      changed("draw");
    });

    map.on("pm:drawend", function () {
      if (mode === "draw") setMode(null);
    });

    map.on("pm:cut", function (event) {
      if (!group.hasLayer(event.originalLayer)) return;
      group.removeLayer(event.originalLayer);
      const result = event.layer;
      const polygons = HT.zonesMap.polygonsOf(result.toGeoJSON(15));
      map.removeLayer(result);
      addPolygons(polygons);
      changed("cut");
    });

    map.on("pm:globalcutmodetoggled", function (event) {
      if (!event.enabled && mode === "cut") setMode(null);
    });

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && mode) setMode(null);
    });

    /* Modes ---------------------------------------------------------------------- */

    function leave(old) {
      if (old === "draw") map.pm.disableDraw();
      if (old === "edit") group.eachLayer(function (part) { part.pm.disable(); });
      if (old === "cut") map.pm.disableGlobalCutMode();
      map.getContainer().classList.remove("zones-removing");
    }

    function setMode(next) {
      const old = mode;
      if (old === next) next = null; // the same button again ends the tool
      mode = null;
      leave(old);
      mode = next;
      if (next === "draw") {
        map.pm.enableDraw("Polygon", {
          snappable: snapping,
          snapDistance: SNAP_DISTANCE,
          allowSelfIntersection: true,
          templineStyle: { color: colour, pane: "ht-edit" },
          hintlineStyle: { color: colour, dashArray: "5 5", pane: "ht-edit" },
          pathOptions: style(),
          continueDrawing: false,
        });
      } else if (next === "edit") {
        group.eachLayer(function (part) { part.pm.enable(editOptions()); });
      } else if (next === "cut") {
        map.pm.enableGlobalCutMode({
          layersToCut: group.getLayers(),
          snappable: snapping,
          snapDistance: SNAP_DISTANCE,
          allowSelfIntersection: false,
          templineStyle: { color: "#a4161a", pane: "ht-edit" },
          hintlineStyle: { color: "#a4161a", dashArray: "5 5", pane: "ht-edit" },
        });
      } else if (next === "remove") {
        map.getContainer().classList.add("zones-removing");
      }
      if (callbacks.onMode) callbacks.onMode(mode);
    }

    return {
      group: group,
      mode: function () { return mode; },
      setMode: setMode,
      setSnapping: function (on) {
        snapping = Boolean(on);
        const current = mode;
        if (current && current !== "remove") {
          setMode(null);
          setMode(current);
        }
      },
      setColour: function (value) {
        colour = value;
        group.setStyle(style());
      },
      /** Replace the shape with a GeoJSON geometry (or nothing). */
      load: function (geojson) {
        setMode(null);
        group.clearLayers();
        addPolygons(HT.zonesMap.polygonsOf(geojson));
      },
      /** Add the polygons of a GeoJSON geometry to the shape. */
      add: function (geojson) {
        addPolygons(HT.zonesMap.polygonsOf(geojson));
        changed("add");
      },
      clear: function () {
        setMode(null);
        group.clearLayers();
      },
      count: function () { return group.getLayers().length; },
      geometry: function () {
        const polygons = [];
        group.eachLayer(function (part) {
          HT.zonesMap.polygonsOf(part.toGeoJSON(6)).forEach(function (p) { polygons.push(p); });
        });
        return polygons.length ? HT.zonesMap.multiPolygon(polygons) : null;
      },
      bounds: function () {
        return group.getLayers().length ? group.getBounds() : null;
      },
    };
  }

  HT.zonesDraw = { create: create };
})();
