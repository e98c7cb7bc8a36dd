"""Data files of the geocoder (TSV), read with importlib.resources."""
