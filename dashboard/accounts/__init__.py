"""First-run set-up, login, one's own account, and the admin's pages: staff, settings,
audit log, retention and erasure.
"""
