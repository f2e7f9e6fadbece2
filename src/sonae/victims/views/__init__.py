"""Pages of the victims part, mounted at /victims/ (see sonae/urls.py)."""
