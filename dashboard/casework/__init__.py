"""The coordinators' screens: the start page, the pipeline, the applicant list and the
applicant's page (with its interview and checks sections in `applicant_panels`),
meetings, the combined small meeting, hand-over and import.
"""
