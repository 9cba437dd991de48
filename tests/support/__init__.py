"""Helpers shared by tests and benchmarks: the page-chrome generator."""
