"""Embedded geocoding: place names in stories resolved to GeoNames entries, and event locations."""
