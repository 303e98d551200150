"""The managers' read-only pages: funnel, digital vs in person, trends, time in stage,
evaluations, supply and demand; `data` caches their reads and `widgets` holds the
filters and headlines they share.
"""
