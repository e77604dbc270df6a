"""One spider per discovery method; portals are registry rows, never spider classes."""
