"""Every write of SCIM provisioning: tokens and group mappings (tokens.py), the
directory's people (users.py) and groups (groups.py)."""
