"""honoree-admin: the township staff's command line (Typer + Rich)."""
