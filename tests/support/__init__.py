"""Helpers shared by the test suite: real servers and per-test databases."""
