"""Migration scripts, applied in order by mulu db upgrade."""
