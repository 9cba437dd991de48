"""Fetching: the HTTP client, the network policy and bounded decoding."""
