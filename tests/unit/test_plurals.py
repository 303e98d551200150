"""A message about a number of things has its plural forms ("1 søker", "2 søkere")."""

import re

from recruitment.core.i18n import catalogue, t

COUNTED = re.compile(r"\{count\}")


def test_every_message_with_a_count_has_a_form_for_one_and_for_other():
    single = [
        f"{key} ({lang})"
        for key, texts in catalogue().items()
        for lang, text in texts.items()
        if isinstance(text, str) and COUNTED.search(text)
    ]
    assert not single, f"these need {{ one = ..., other = ... }}: {single}"


def test_one_setting_changed_reads_in_the_singular():
    assert t("security.settings_saved", "nb", count=1) == "Lagret (1 innstilling endret)."
    assert t("security.settings_saved", "en", count=2) == "Saved (2 settings changed)."
