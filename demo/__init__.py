"""The demo company: its data tables (data.py) and the seed that builds it (seeding.py)."""
