"""Biometrics: face (and later fingerprint) enrolment, 1:N search with human verification."""

from manara.biometric import purge as _purge  # noqa: F401 - registers the original-image clean-up on entity deletion
