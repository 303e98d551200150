"""The demand side and matching: service users (`service_users`), the pure match score
(`scoring`), suggestions and supply and demand (`matching`), placements through their
life (`placements`) and postcodes and distances (`geography`, with the shipped table).

May import: `core`, the public modules of `casework` and `accounts`, and `db`.
"""
