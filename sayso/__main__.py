"""``python -m sayso``."""

from .cli import main

main()
