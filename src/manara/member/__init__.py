"""Member countries, national bureaus and agencies, users, roles and API keys."""
