"""Agencies, users and roles, the working-day calendar, and the helpers every app shares."""
