"""The Altay City demo data: places, service points and people, as plain Python values."""
