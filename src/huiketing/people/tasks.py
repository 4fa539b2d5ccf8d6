"""Placeholder module: filled in as this app grows."""
