"""Which reminders work: attendance by the reminder people got and by meeting mode,
with honest uncertainty, as on "Digital vs in person"."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import t
from recruitment.analytics.reminders import REMINDERS

actor = access.require("analytics.read")
st.title(t("analytics.nav_reminders"), anchor=False)
st.caption(t("analytics.reminders_intro"))
ui.refresh_button(actor)
since, until = ui.period(help_key="analytics.meeting_period_help")
report = analytics_data.reminder_report(analytics_data.report_key(actor), since, until)
if not report["has_data"]:
    ui.no_data()
    st.stop()

labels = {code: t(f"analytics.reminder_{code}") for code in REMINDERS}
ui.chart(
    charts.rates_chart(
        report["rates"],
        metric_labels=labels,
        mode_labels=ui.mode_labels(),
        rate_title=t("analytics.metric_attendance"),
    ),
    width="stretch",
)
st.caption(t("analytics.reminders_caveat"))
table = report["table"].assign(
    reminder=report["table"]["reminder"].map(labels),
    mode=report["table"]["mode"].map(ui.mode_labels() | {"all": t("analytics.mode_all")}),
)
ui.table(
    table,
    name="reminder_attendance",
    columns={c: t(f"analytics.reminders_col_{c}") for c in table.columns},
    formats={
        c: "percent"
        for c in ("attendance", "low", "high", "no_show_rate", "no_show_low", "no_show_high")
    },
    expanded=True,
)
