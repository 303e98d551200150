"""Staff and privacy: staff accounts, log-in and lock-out (`staff`), the office's
settings form (`office_settings`), the append-only audit log (`audit`), retention and
anonymisation (`retention`), and an applicant's right to a copy and to erasure
(`privacy_rights`).

May import: `core` and `db`.
"""
