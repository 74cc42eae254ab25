"""Notices and diffusions: lifecycle with review before publication, one owner, review dates."""
