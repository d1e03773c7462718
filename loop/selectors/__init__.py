"""Reads of follow-ups, themes and actions, one module each."""
