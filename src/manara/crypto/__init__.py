"""Cryptocurrency tracing: addresses, ledger slices, clusters with evidence, tags, exposure, wallets of subjects."""
