"""The applicant's own journey: the public sign-up (`applicants`), booking a seat or a
waitlist place (`booking`), calendar invitations (`calendar`), the personal self-service
link (`self_service`), meeting evaluations (`evaluations`) and the privacy notice's
versions (`consent`).

May import: `core`, `messaging` (to queue mail) and `db`.
"""
