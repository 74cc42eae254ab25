"""Training programmes: courses, sessions, enrolment, e-learning checks, verifiable certificates, gated access."""
