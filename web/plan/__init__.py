"""The planners' map (``/plan/``): reports as server-side clusters, a heatmap and hot
spots, a choropleth by unit and a chart by month, all under the same filters (time,
category, status, unit, department) and exportable. The page only reads the
analytics API (``api.analytics``), which carries no personal data; this package
gives it its configuration and the filters' choices."""
