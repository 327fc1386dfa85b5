"""The public scorecards page, /ket-qua/xep-hang (ranking and choropleth)."""
