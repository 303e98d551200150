"""The coordinators' daily work: information meetings (`meetings`, `attendance`,
`meeting_views`), the combined small meeting with interview (`combined`), interviews
(`interviews`), the checks with the politiattest rule (`checks`), the applicant list and
file (`applicant_list`), the journal (`journal`), hand-over between coordinators
(`handover`), import from CSV/Excel (`importing`) and export (`exports`).

May import: `core`, the public modules of `journey` and `messaging`, and `db`.
"""
