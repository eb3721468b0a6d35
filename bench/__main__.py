"""``python -m bench``: the lookup benchmark table (see bench/lookup.py)."""

from bench.lookup import main

main()
