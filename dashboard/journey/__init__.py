"""The applicant's screens: the public sign-up, My page (self-service), the privacy
notice, and the phone sign-up staff fill in for someone who called; `applicant_form`
holds the fields the two sign-ups share.
"""
