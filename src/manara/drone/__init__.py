"""Drone threats: Open Drone ID reception, tracks, geofences around sensitive sites, incidents and evidence."""
