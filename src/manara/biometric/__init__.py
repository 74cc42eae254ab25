"""Biometrics: face (and later fingerprint) enrolment, 1:N search with human verification."""
