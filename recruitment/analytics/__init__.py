"""The managers' read side, aggregated in SQL from the stage events: the funnel
(`funnel`), digital vs in person (`comparison`), trends and cohorts (`trends`), time in
stage and the stuck list (`time_in_stage`), meeting evaluations (`evaluations`), the
placement forecast with its backtest, needs and saved scenarios (`forecast/`), and one
call per page (`reports`). `_sql` holds the query pieces they share.

May import: `core`, `db`, and `placement.demand` (the demand gap, for the forecast's
needs). Nothing writes here but the forecast's saved scenarios.
"""
