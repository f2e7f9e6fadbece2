"""Pages of the claims workflow, mounted at /claims/ (see sonae/urls.py)."""
