"""Register of travel documents reported stolen, lost or revoked by their issuing members (SLTD-style)."""
