"""Cyber indicators and observables, STIX 2.1 / TAXII 2.1 exchange, MISP interoperability."""
