"""The shared kernel every area builds on: the pipeline's stages and moves (`pipeline`),
who may do what (`access`: the role table and `@requires`), domain errors (`errors`),
input cleaning (`validation`), the fixed code lists (`vocabulary`), office settings
(`settings`), the translation catalogue (`i18n`), and statistics (`stats`).

May import: `db` and the standard library; never another area of `recruitment`.
"""

from recruitment.core import text_guard as _text_guard

# Every write to a user-text column is checked, whichever service makes it.
_text_guard.install()
