"""chitieu: Vietnamese provincial reports into a versioned DuckDB warehouse of numeric facts."""

__version__ = "0.1.0"
