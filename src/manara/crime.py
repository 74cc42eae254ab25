"""Crime areas: one taxonomy carried by notices, cases, subjects and assessments."""
