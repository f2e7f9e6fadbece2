"""Pages of the incident desk. Thin: parse a form, call one service or selector, render."""
