"""Judging a change: inline diff, alignment, evidence, classification, dates,
anomalies and the comparison of two documents."""
