"""Threat assessments: indicators computed from the network's data, analyst judgements, TLP-marked reports."""
