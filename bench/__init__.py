"""Benchmarks of cchc_desktop against their peers (not collected by pytest); see bench/run.py."""
