"""Operating a deployment: backup and restore, retention."""
