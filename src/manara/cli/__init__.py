"""Command-line interface (Typer): administration, import/export, demo, audit, jobs."""
