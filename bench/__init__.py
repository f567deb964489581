"""Benchmarks of Parley on the real stack; `make bench` runs them (see bench/README.md)."""
