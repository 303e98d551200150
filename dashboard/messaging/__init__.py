"""The outbox and the e-mail templates, for coordinators."""
