"""The placement forecast: how many approvals and placements today's pipeline will bring
in the coming months, with its uncertainty, checked against the past, and what the
waiting list still needs. `model` is the pure Monte Carlo model (numpy); `estimates`
reads the pipeline and the past year's stays from the stage events; `backtest` runs the
same forecast as of earlier dates against what then happened; `needs` turns the demand
gap (`recruitment.placement.demand`) into sign-ups and info meetings; `scenarios` saves
named lever settings; `report` is the one call the page and `verve forecast` make.

May import: `core`, `db` and `placement.demand` (the one home of the demand gap).
"""
