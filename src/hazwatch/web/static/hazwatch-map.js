// HazWatch's map layers for NiceGUI's Leaflet element (served from the package: no CDN).
// L.hazwatchLayer(featureCollection) draws each feature in its own colour
// (properties.hex), points as circles (no marker images to fetch), with its label as a
// text tooltip (never HTML: labels are registry data) and CSS classes naming its layer
// and feature (hw-layer-<layer>, hw-feature-<id>) for the console's tests and styles.
(function () {
  const L = window.L;
  const style = (feature) => ({
    color: feature.properties.hex,
    weight: 2,
    opacity: 0.9,
    fillOpacity: feature.geometry.type === "Point" ? 0.85 : 0.15,
    className: `hw-layer-${feature.properties.layer} hw-feature-${feature.id}`,
  });
  L.hazwatchLayer = function (data) {
    return L.geoJSON(data, {
      style,
      pointToLayer: (feature, latlng) => L.circleMarker(latlng, { ...style(feature), radius: 8 }),
      onEachFeature: (feature, layer) => {
        const text = document.createElement("span");
        text.textContent = feature.properties.label;
        layer.bindTooltip(text);
      },
    });
  };
})();
