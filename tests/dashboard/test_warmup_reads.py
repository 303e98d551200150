"""The warm-up's reports are read in readers' transactions (db.session.readers): on
SQLite a page's transaction never queues behind them after a server start."""

from sqlalchemy import text

from db.session import READER


def test_the_warm_up_reads_in_readers_transactions_and_pages_do_not(app_database, monkeypatch):
    from dashboard import data, warmup
    from dashboard.analytics import data as analytics_data
    from dashboard.analytics import forecast_data

    seen: list[bool] = []

    def read() -> None:
        with data.sessions().begin() as session:
            session.execute(text("SELECT 1"))
            seen.append(bool(session.connection().get_execution_options().get(READER)))

    monkeypatch.setattr(analytics_data, "prepare_defaults", read)
    monkeypatch.setattr(forecast_data, "warm", read)
    warmup._reports()
    warmup._forecast()
    read()  # a page's read, after the warm-up
    assert seen == [True, True, False]
