"""Device health: small checks with typed results, Prometheus metrics, and the reporter process."""
