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
    from recruitment.placement import matching

    def prepare_suggestions(*, session, actor) -> None:
        seen.append(bool(session.connection().get_execution_options().get(READER)))

    monkeypatch.setattr(matching, "prepare_suggestions", prepare_suggestions)
    warmup._reports()
    warmup._forecast()
    warmup._suggestions()
    read()  # a page's read, after the warm-up
    assert seen == [True, True, True, False]


def test_the_analytics_and_forecast_reports_read_in_readers_transactions(
    app_database, manager, monkeypatch
):
    """The pages' reports are long reads (0.5 s and more at 100,000 applicants): computed
    in readers' transactions, so a sign-up's write on SQLite never queues behind one."""
    from dashboard.analytics import data as analytics_data
    from dashboard.analytics import forecast_data
    from recruitment.analytics import reports
    from recruitment.analytics.forecast import report as forecast_report

    seen: list[str] = []

    def spy(name, real):
        def read(*, session, **kwargs):
            seen.append(f"{name}:{bool(session.connection().get_execution_options().get(READER))}")
            return real(session=session, **kwargs)

        return read

    monkeypatch.setattr(reports, "funnel_report", spy("funnel", reports.funnel_report))
    monkeypatch.setattr(
        forecast_report, "read_inputs", spy("forecast", forecast_report.read_inputs)
    )
    analytics_data.clear()
    since, until = analytics_data.default_period()
    key = analytics_data.report_key(manager)
    analytics_data.funnel_report(key, analytics_data.Filters(since=since, until=until))
    forecast_data.warm(manager)
    assert seen == ["funnel:True", "forecast:True"], seen


def test_the_warm_up_compiles_every_page_script_into_streamlits_own_cache():
    """A page's first visit compiled its script (10-40 ms with Streamlit's magic rewrite):
    the warm-up fills the server runtime's script cache with every page, so it is not."""
    import os

    from streamlit.runtime import Runtime, RuntimeConfig
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    from dashboard import warmup
    from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES

    assert not Runtime.exists()
    runtime = Runtime(
        RuntimeConfig(
            script_path=str(warmup.DASHBOARD / "app.py"),
            media_file_storage=MemoryMediaFileStorage("/media"),
            uploaded_file_manager=MemoryUploadedFileManager("/upload"),
        )
    )
    try:
        warmup._scripts()
        cached = runtime._script_cache._cache
    finally:
        Runtime._instance = None
    wanted = {
        os.path.abspath(warmup.DASHBOARD / spec.path) for spec in (*PUBLIC_PAGES, *STAFF_PAGES)
    }
    assert wanted <= set(cached)
    assert os.path.abspath(warmup.DASHBOARD / "app.py") in cached
