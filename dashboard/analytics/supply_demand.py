"""Supply and demand: waiting service users against contacts with room, by area and
target group, with waiting times. Aggregates only, so managers may see it."""

import streamlit as st

from dashboard import access, charts
from dashboard.analytics import data as analytics_data
from dashboard.analytics import widgets as ui
from dashboard.i18n import t
from recruitment.core.timefmt import today

actor = access.require("analytics.read")
st.title(t("supply_demand.title"), anchor=False)
st.caption(t("supply_demand.intro"))

# Cached like the other analytics pages (dashboard/analytics/data.py), and prepared at
# server start: both parts read every available contact.
report = analytics_data.supply_demand_report(analytics_data.report_key(actor), today())
picture = report["picture"]

c1, c2, c3 = st.columns(3)
c1.metric(t("supply_demand.waiting"), picture.waiting)
c2.metric(t("supply_demand.available"), picture.available)
c3.metric(
    t("supply_demand.average_wait"),
    "–"
    if picture.average_days_waiting is None
    else t("supply_demand.days", count=round(picture.average_days_waiting)),
)

columns = {
    "area": t("supply_demand.area"),
    "target_group": t("supply_demand.target_group"),
    "waiting": t("supply_demand.waiting"),
    "available": t("supply_demand.available"),
    "age_group": t("supply_demand.age_group"),
    "hours_per_month": t("supply_demand.hours_per_month"),
    "days_waiting": t("supply_demand.days_waiting"),
}

st.subheader(t("supply_demand.by_area"), anchor=False)
if picture.by_area.empty:
    st.info(t("common.no_data"))
else:
    ui.chart(
        charts.side_by_side_bars(
            picture.by_area,
            category="area",
            measures={"waiting": columns["waiting"], "available": columns["available"]},
            titles={"area": columns["area"], "value": t("analytics.people")},
        ),
        width="stretch",
    )
    st.dataframe(picture.by_area, hide_index=True, column_config=columns)

st.subheader(t("supply_demand.by_target_group"), anchor=False)
# Codes shown with their translated labels.
target_labels = {
    code: t(f"vocab.target_group_{code}") for code in picture.by_target_group["target_group"]
}
st.dataframe(
    picture.by_target_group.replace({"target_group": target_labels}),
    hide_index=True,
    column_config=columns,
)

st.subheader(t("supply_demand.longest_waits"), anchor=False)
if picture.longest_waits.empty:
    st.info(t("common.no_data"))
else:
    age_labels = {code: t(f"vocab.age_group_{code}") for code in picture.longest_waits["age_group"]}
    st.dataframe(
        picture.longest_waits.replace({"age_group": age_labels}),
        hide_index=True,
        column_config=columns,
    )

# The demand gap: suitable contacts for each person waiting, and where there are none.
st.subheader(t("supply_demand.gap_title"), anchor=False)
st.caption(t("supply_demand.gap_intro"))
gap = report["gap"]
gap_columns = {
    **columns,
    "suitable": t("supply_demand.suitable"),
    "suitable_contacts": t("supply_demand.suitable_contacts"),
    "placeable": t("supply_demand.placeable"),
    "gap": t("supply_demand.gap"),
}


def _readable(frame):
    """Codes shown with their translated labels; an empty area said in words."""
    # Each distinct code once: the per-person table has a row for everyone waiting.
    labels = {"area": {"": t("supply_demand.no_area")}}
    if "target_group" in frame:
        labels["target_group"] = {
            c: t(f"vocab.target_group_{c}") for c in frame["target_group"].unique()
        }
    if "age_group" in frame:
        labels["age_group"] = {c: t(f"vocab.age_group_{c}") for c in frame["age_group"].unique()}
    return frame.replace(labels)


st.markdown(f"**{t('supply_demand.none_title')}**")
without = gap.segments_without_contacts
if without.empty:
    st.success(t("supply_demand.none_empty"))
else:
    st.warning(t("supply_demand.with_none", count=int((gap.waiting["suitable"] == 0).sum())))
    st.dataframe(
        _readable(without[["area", "target_group", "waiting"]]),
        hide_index=True,
        column_config=gap_columns,
    )
st.markdown(f"**{t('supply_demand.segments_title')}**")
if gap.segments.empty:
    st.info(t("common.no_data"))
else:
    st.dataframe(_readable(gap.segments), hide_index=True, column_config=gap_columns)
st.markdown(f"**{t('supply_demand.per_user_title')}**")
if gap.waiting.empty:
    st.info(t("common.no_data"))
else:
    st.dataframe(
        _readable(gap.waiting.drop(columns=["target_group"])),
        hide_index=True,
        column_config=gap_columns,
    )
