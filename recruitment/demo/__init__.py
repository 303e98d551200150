"""Demo data: a realistic, fictional office with two years of history, for trying the
app, for the analytics pages and for benchmarks (`verve demo`, the first-run page).

Every row is made in plain Python with one seeded `random.Random` (no ORM objects) and
written in bulk (executemany on SQLite, COPY on PostgreSQL), so 100 000 applicants take
about 35 s of CPU, and the same seed and `today` always give the same rows. Each
applicant lives through a small simulation (sign-up, booking, meeting, interview, checks,
placement, with no-shows, waitlists, cancellations and exits on the way) whose stage
events are checked against `pipeline.is_allowed` as they are made, so the history is one
the real services could have written.

What lives here:
- `service`: the entry point, `generate` (and `DatabaseNotEmpty`, `DemoSummary`);
- `simulation`: the whole office in memory, step by step, returning rows per table;
- `world`: what every step shares (the dice, the clock, the rows made so far);
- `people`: staff, applicants' names and attributes, when they sign up;
- `meetings`: the calendar of info meetings and finding one to book;
- `life`: one applicant's stage history, leaving the pipeline, where a story stands;
- `journey`: one applicant's way through the pipeline, round after round;
- `booking`, `interviews`, `checks`, `placements`: the steps of that way;
- `service_users`: the demand side, service users waiting for a placement;
- `bulk`: the fast writer for SQLite and PostgreSQL.

Callers import from `recruitment.demo.service`; the other modules are its inner parts.
The same seed must keep giving the same rows: every draw from the one `random.Random`
happens in a fixed order, so reordering draws (or adding one) changes the data.

Imports: `db` and `recruitment.core`, and other areas only through their public
services, never their private (underscored) modules. Nothing in `recruitment` imports
the demo except the CLI.
"""
