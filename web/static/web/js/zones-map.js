/* The zone editor's map layers (HT.zonesMap): the zones coloured by department, the
 * topology findings (gaps, overlaps, invalid zones) and the before/after view of a
 * history entry. Each kind of layer has its own pane, above the unit outlines (which
 * map.js redraws as the view moves) and below the markers; none of them is a snapping
 * target except the zones themselves. Geometry goes in and out as GeoJSON (lon/lat). */
(function () {
  "use strict";

  const HT = (window.HT = window.HT || {});
  const L = window.L;

  const PANES = { zones: 410, topology: 420, history: 430, edit: 440 };

  // Layers the editor draws for information only: never snapped to, cut or edited.
  const INERT = { pmIgnore: true, snapIgnore: true };

  function makePanes(map) {
    Object.keys(PANES).forEach(function (name) {
      const pane = map.createPane("ht-" + name);
      pane.style.zIndex = PANES[name];
    });
  }

  /* GeoJSON helpers ---------------------------------------------------------------- */

  /** The polygons (coordinate arrays) of a Polygon, MultiPolygon, Feature or
   * FeatureCollection. */
  function polygonsOf(geojson) {
    if (!geojson) return [];
    if (geojson.type === "FeatureCollection") {
      return geojson.features.reduce(function (all, f) { return all.concat(polygonsOf(f)); }, []);
    }
    if (geojson.type === "GeometryCollection") {
      return geojson.geometries.reduce(function (all, g) { return all.concat(polygonsOf(g)); }, []);
    }
    if (geojson.type === "Feature") return polygonsOf(geojson.geometry);
    if (geojson.type === "Polygon") return [geojson.coordinates];
    if (geojson.type === "MultiPolygon") return geojson.coordinates.slice();
    return [];
  }

  function multiPolygon(polygons) {
    return { type: "MultiPolygon", coordinates: polygons };
  }

  /** A geometry from the API (GeoJSON text or object) as a MultiPolygon of its
   * polygons: an intersection may come with the lines or points two zones share. */
  function parseGeometry(value) {
    const geometry = typeof value === "string" ? JSON.parse(value) : value;
    return multiPolygon(polygonsOf(geometry));
  }

  /* Zones -------------------------------------------------------------------------- */

  function zoneStyle(colour, feature, selected) {
    const draft = feature.properties.status === "draft";
    return {
      pane: "ht-zones",
      color: colour,
      weight: selected ? 4 : draft ? 2.5 : 2,
      opacity: 0.95,
      dashArray: draft ? "8 6" : null,
      fillColor: colour,
      fillOpacity: selected ? 0.22 : draft ? 0.1 : 0.04,
    };
  }

  /**
   * The zones on the map: show(features, colourOf) draws them, largest first so a
   * small zone can be clicked inside a large one; onClick(id) when one is clicked.
   */
  function zonesLayer(map, options) {
    const group = L.featureGroup().addTo(map);
    const byId = new Map();
    let selected = null;
    let colourOf = function () { return "#525252"; };

    function restyle(id) {
      const entry = byId.get(id);
      if (entry) entry.layer.setStyle(zoneStyle(colourOf(entry.feature), entry.feature, id === selected));
    }

    return {
      group: group,
      show: function (features, colour) {
        colourOf = colour;
        group.clearLayers();
        byId.clear();
        features
          .slice()
          .sort(function (a, b) { return b.properties.area_m2 - a.properties.area_m2; })
          .forEach(function (feature) {
            const layer = L.geoJSON(feature, {
              pane: "ht-zones",
              style: function () { return zoneStyle(colourOf(feature), feature, feature.id === selected); },
            });
            layer.eachLayer(function (part) {
              part.feature = feature;
              part.bindTooltip(HT.escape(feature.properties.name), { sticky: true });
            });
            // The click goes on to the map too: Geoman's tools listen there.
            layer.on("click", function () {
              if (options.onClick) options.onClick(feature.id);
            });
            layer.addTo(group);
            byId.set(feature.id, { layer: layer, feature: feature });
          });
      },
      select: function (id) {
        const previous = selected;
        selected = id;
        if (previous !== null) restyle(previous);
        if (id !== null) {
          restyle(id);
          const entry = byId.get(id);
          if (entry) entry.layer.bringToFront();
        }
      },
      /** Hide a zone while its draft is being edited (its parts are in the edit layer). */
      hide: function (id, hidden) {
        const entry = byId.get(id);
        if (!entry) return;
        if (hidden) group.removeLayer(entry.layer);
        else if (!group.hasLayer(entry.layer)) group.addLayer(entry.layer);
      },
      bounds: function (id) {
        const entry = byId.get(id);
        return entry ? entry.layer.getBounds() : null;
      },
    };
  }

  /* Topology findings -------------------------------------------------------------- */

  const GAP = {
    pane: "ht-topology", color: "#b45309", weight: 2, dashArray: "4 5",
    fillColor: "#f59e0b", fillOpacity: 0.12,
  };
  const OVERLAP = {
    pane: "ht-topology", color: "#a4161a", weight: 2.5,
    fillColor: "#dc2626", fillOpacity: 0.45,
  };

  function faultIcon(label) {
    return L.divIcon({
      className: "zones-fault",
      html: '<span aria-hidden="true">!</span><span class="visually-hidden">' + HT.escape(label) + "</span>",
      iconSize: [26, 26],
    });
  }

  /**
   * Gaps, overlaps and invalid zones from the preview's "topology". Gaps are drawn for
   * `categories` only (the drafts' own: every other category's gap is the province).
   * Returns the layers made, for the panel to zoom to.
   */
  function topologyLayer(map) {
    const group = L.featureGroup().addTo(map);
    return {
      group: group,
      clear: function () { group.clearLayers(); },
      show: function (topology, categories, text) {
        group.clearLayers();
        const made = { gaps: [], overlaps: [], invalid: [] };
        topology.gaps.forEach(function (gap) {
          if (categories.indexOf(gap.category) < 0) return;
          gap.largest.forEach(function (part) {
            if (!part.geometry) return;
            const layer = L.geoJSON(parseGeometry(part.geometry), Object.assign({ style: GAP }, INERT, { pane: "ht-topology" }));
            layer.eachLayer(function (p) { Object.assign(p.options, INERT); });
            layer.bindTooltip(text.gap(gap, part), { sticky: true });
            layer.addTo(group);
            layer.eachLayer(function (p) { if (p.getElement()) p.getElement().classList.add("zones-gap"); });
            made.gaps.push({ gap: gap, part: part, layer: layer });
          });
        });
        topology.overlaps.forEach(function (overlap) {
          if (!overlap.geometry) return;
          const layer = L.geoJSON(parseGeometry(overlap.geometry), Object.assign({ style: OVERLAP }, INERT, { pane: "ht-topology" }));
          layer.eachLayer(function (p) { Object.assign(p.options, INERT); });
          layer.bindTooltip(text.overlap(overlap), { sticky: true });
          layer.addTo(group);
          layer.eachLayer(function (p) { if (p.getElement()) p.getElement().classList.add("zones-overlap"); });
          made.overlaps.push({ overlap: overlap, layer: layer });
        });
        topology.invalid.forEach(function (item) {
          if (item.lon == null || item.lat == null) return;
          const marker = L.marker([item.lat, item.lon], Object.assign({ icon: faultIcon(item.reason), keyboard: false }, INERT));
          marker.bindTooltip(text.invalid(item));
          marker.addTo(group);
          made.invalid.push({ item: item, layer: marker });
        });
        return made;
      },
    };
  }

  /* History: before (dashed) and after (solid) ------------------------------------- */

  function historyLayer(map) {
    const group = L.featureGroup().addTo(map);
    return {
      group: group,
      clear: function () { group.clearLayers(); },
      /** Draw `before` dashed and `after` solid (either may be null); returns bounds. */
      show: function (before, after, colour) {
        group.clearLayers();
        if (before) {
          L.geoJSON(parseGeometry(before), Object.assign({
            style: { pane: "ht-history", color: "#374151", weight: 3, dashArray: "7 7", fillColor: "#9ca3af", fillOpacity: 0.18 },
          }, INERT, { pane: "ht-history" })).eachLayer(function (p) {
            Object.assign(p.options, INERT);
            p.addTo(group);
            p.getElement().classList.add("history-before");
          });
        }
        if (after) {
          L.geoJSON(parseGeometry(after), Object.assign({
            style: { pane: "ht-history", color: colour || "#0b4f8a", weight: 3.5, fillColor: colour || "#0b4f8a", fillOpacity: 0.2 },
          }, INERT, { pane: "ht-history" })).eachLayer(function (p) {
            Object.assign(p.options, INERT);
            p.addTo(group);
            p.getElement().classList.add("history-after");
          });
        }
        return group.getLayers().length ? group.getBounds() : null;
      },
    };
  }

  /** A marker at the place of a geometry fault (validate's "location"). */
  function faultMarker(map, lon, lat, label) {
    return L.marker([lat, lon], Object.assign({ icon: faultIcon(label), keyboard: false }, INERT))
      .bindTooltip(HT.escape(label))
      .addTo(map);
  }

  /** Unit labels are markers: never snap a vertex to a label's anchor. */
  function unsnappableLabels(map) {
    function mark() {
      map.htUnits.labels.eachLayer(function (marker) {
        marker.options.snapIgnore = true;
        marker.options.pmIgnore = true;
      });
    }
    map.on("ht:units", mark);
    mark();
  }

  HT.zonesMap = {
    PANES: PANES,
    INERT: INERT,
    makePanes: makePanes,
    polygonsOf: polygonsOf,
    multiPolygon: multiPolygon,
    parseGeometry: parseGeometry,
    zonesLayer: zonesLayer,
    topologyLayer: topologyLayer,
    historyLayer: historyLayer,
    faultMarker: faultMarker,
    unsnappableLabels: unsnappableLabels,
  };
})();
