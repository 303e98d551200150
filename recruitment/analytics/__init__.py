"""The managers' read side, aggregated in SQL from the stage events: the funnel
(`funnel`), digital vs in person (`comparison`), trends and cohorts (`trends`), time in
stage and the stuck list (`time_in_stage`), meeting evaluations (`evaluations`), and one
call per page (`reports`). `_sql` holds the query pieces they share.

May import: `core` and `db`; nothing writes here.
"""
