"""API keys (placeholder until the metering work lands)."""
