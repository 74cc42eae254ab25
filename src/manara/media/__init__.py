"""Media hash-sharing: banks of PDQ, vPDQ, MD5 and SHA-256 hashes of terrorist and violent-extremist content."""
