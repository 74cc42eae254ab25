"""Database layer: declarative base, portable types, engine and unit of work."""
