"""Every write of the survey app."""
