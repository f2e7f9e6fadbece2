"""Models used only by tests (installed when settings detect pytest)."""
