"""Service users, one service user's record with suggestions and placements, and
matching for an approved support contact.
"""
