"""Planners' analytics over reports: pre-aggregates, clusters, heatmaps, hotspots."""
