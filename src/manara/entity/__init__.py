"""Subjects as FollowTheMoney entities: persons, documents, vehicles, wallets, relations."""
