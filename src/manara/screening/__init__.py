"""Screening: persons against published notices, documents against the lost/stolen register, batches."""
