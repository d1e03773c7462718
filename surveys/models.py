"""Surveys, invitations and responses arrive with the survey pipeline issue."""
