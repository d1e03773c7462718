"""The benchmark harness: seed PostgreSQL at scale (seed.py) and time pages (run.py).

Not part of CI; see bench/README.md.
"""
