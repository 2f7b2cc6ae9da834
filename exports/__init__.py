"""Export formats, one module per format; they read through registry operations."""
