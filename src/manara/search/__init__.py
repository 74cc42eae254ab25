"""Unified search across notices, entities, cases and case messages the user may see, in any script."""
