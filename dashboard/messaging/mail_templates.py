"""Preview of every e-mail template in both languages, with sample data."""

import streamlit as st

from dashboard import access
from dashboard.i18n import LANGUAGE_NAMES, lang, t
from recruitment.messaging.mail import KINDS, preview, template_dirs

access.require("outbox.read")
st.title(t("mail.nav_templates"), anchor=False)
st.caption(t("mail.templates_intro", folder=" · ".join(str(folder) for folder in template_dirs())))

left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
labels = {code: t(f"mail.kind_{code}") for code in KINDS}
kind = left.selectbox(
    t("mail.template_kind"),
    options=list(KINDS),
    format_func=labels.__getitem__,
    key="template_kind",
    placeholder=t("common.choose_one"),
)
language = middle.selectbox(
    t("mail.template_language"),
    options=list(LANGUAGE_NAMES),
    index=list(LANGUAGE_NAMES).index(lang()),
    format_func=LANGUAGE_NAMES.__getitem__,
    key="template_language",
    placeholder=t("common.choose_one"),
)
digital = right.toggle(t("mail.template_digital"), value=True, key="template_digital")

mail = preview(kind, language, digital=digital)
if mail.source == "catalogue":
    st.caption(t("mail.template_from_catalogue"))
else:
    st.caption(t("mail.template_file", path=mail.source))

with st.container(border=True):
    st.text(t("mail.template_subject", subject=mail.subject))
    text_tab, html_tab = st.tabs([t("mail.template_text"), t("mail.template_html")])
    text_tab.text(mail.text)
    html_tab.code(mail.html, language="html")
