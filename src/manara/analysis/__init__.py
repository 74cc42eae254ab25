"""Analysis: cross-matching between members, suggested links, judgements and the entity graph."""
