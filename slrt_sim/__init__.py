"""slrt-sim: simulation and training kit for SLRT (Sistem Layanan dan Rujukan Terpadu)."""
