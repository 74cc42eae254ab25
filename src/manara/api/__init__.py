"""HTTP interface: the FastAPI application, its dependencies and error rendering."""
