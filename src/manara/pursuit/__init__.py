"""Pursuit of wanted persons: from a located person to surrender, treaty deadlines, coordinated operations, public appeals."""
