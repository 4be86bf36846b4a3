"""Benchmarks for schemagate's planning engine (``make bench``); not part of the test suite."""
