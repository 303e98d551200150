"""Preview of every e-mail template in both languages, with sample data, and the SMS of
the same kind with a length counter to try wording against."""

import streamlit as st

from dashboard import access
from dashboard.i18n import LANGUAGE_NAMES, lang, t
from recruitment.messaging.mail import KINDS, preview, template_dirs
from recruitment.messaging.sms import SMS_KINDS, preview_sms, sms_length, sms_template

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

# --- the SMS of the same kind, with its length counted as a phone sends it -------------
if kind in SMS_KINDS:
    st.subheader(t("mail.sms_template_title"), anchor=False)
    st.caption(t("mail.sms_template_intro", file=f"{language}/{kind}.sms"))
    wording = st.text_area(
        t("mail.sms_template_text"),
        value=sms_template(kind, language),
        key=f"sms_template_{kind}_{language}",
    )
    text = preview_sms(kind, language, template=wording)
    length = sms_length(text)
    with st.container(border=True):
        st.text(text)
    counter = t(
        "mail.sms_counter",
        units=length.units,
        encoding=length.encoding,
        segments=length.segments,
        remaining=length.remaining,
    )
    (st.success if length.segments <= 1 else st.warning)(counter)
    if length.encoding == "UCS-2":
        st.markdown(t("mail.sms_ucs2_hint"))
