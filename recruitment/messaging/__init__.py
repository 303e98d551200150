"""Reaching people: the e-mail queue and its templates (`mail`), delivery through the
transactional outbox (`outbox`, with SMTP details in `smtp`), what coordinators see of
it (`outbox_views`), and meeting reminders (`reminders`).

May import: `core` and `db`.
"""
