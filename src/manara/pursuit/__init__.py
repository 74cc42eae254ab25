"""Pursuit of wanted persons: located to surrendered, treaty deadlines, coordinated operations, public appeals."""
