"""Shared, dependency-free helpers: the one place that normalises Vietnamese text and decides "now"."""
