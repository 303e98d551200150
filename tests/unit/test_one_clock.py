"""The office's zone and the names of months and weekdays live in one module only
(`recruitment/core/timefmt.py`, with the zone's default in the settings); everything
else asks it, so a time never reads differently on two pages."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
THE_MODULE = pathlib.Path("recruitment/core/timefmt.py")
SUFFIXES = {".py", ".toml", ".txt", ".html"}

# A zone written into the code, rather than asked of the module.
ZONE_IN_CODE = re.compile(r"""ZoneInfo\(\s*["']|["']Europe/Oslo["']""")
# The setting's default is the one place the name is written.
ZONE_ALLOWED = {THE_MODULE, pathlib.Path("recruitment/core/settings.py")}

_NB = (
    "mandag tirsdag onsdag torsdag fredag lørdag søndag januar februar mars april mai juni "
    "juli august september oktober november desember"
)
_EN = (
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December"
)
# Bokmål writes them in lower case (upper case first in a sentence); English always
# capitalises them, which keeps "may" and "march" the verbs out of it.
NAMES = re.compile(
    r"(?<![\w.])(?:(?i:" + "|".join(_NB.split()) + r")|" + "|".join(_EN.split()) + r")(?!\w)"
)


def _sources():
    for folder in ("recruitment", "dashboard"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _texts(path: pathlib.Path, source: str):
    """(line, text) of what could reach a reader: string literals of Python code (not its
    comments and docstrings, which are prose for developers), and the catalogue and
    templates without their comment lines."""
    if path.suffix == ".py":
        tree = ast.parse(source)
        prose = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in prose:
                    yield node.lineno, node.value
    else:
        for number, line in enumerate(source.splitlines(), start=1):
            if not line.lstrip().startswith("#"):
                yield number, line


def _hits(pattern: re.Pattern, allowed: set[pathlib.Path]) -> list[str]:
    return [
        f"{path}:{line}: {match.group()}"
        for path, source in _sources()
        if path not in allowed
        for line, text in _texts(path, source)
        for match in pattern.finditer(text)
    ]


def test_no_code_outside_the_module_names_a_time_zone():
    # A literal zone name anywhere in the code, comments included, is a second clock.
    hits = [
        f"{path}:{source.count(chr(10), 0, match.start()) + 1}: {match.group()}"
        for path, source in _sources()
        if path not in ZONE_ALLOWED
        for match in ZONE_IN_CODE.finditer(source)
    ]
    assert not hits


def test_no_hand_written_month_or_weekday_names_outside_the_module():
    assert not _hits(NAMES, {THE_MODULE})


def test_the_name_guard_reads_string_literals_and_skips_docstrings(tmp_path):
    code = '''"""Module prose: Monday."""
# a comment on a Monday
def f():
    """Function prose: desember."""
    return ("mandag", f"{1} Tuesday")
'''
    found = [text for _, text in _texts(pathlib.Path("x.py"), code) if NAMES.search(text)]
    assert found == ["mandag", " Tuesday"]
    toml = '# tirsdag in a comment\n[x]\nnb = "onsdag"\n'
    assert [n for n, text in _texts(pathlib.Path("x.toml"), toml) if NAMES.search(text)] == [3]


@pytest.mark.parametrize(
    "line",
    [
        'OSLO = ZoneInfo("Europe/Oslo")',
        "OFFICE_TIME = ZoneInfo('Europe/Oslo')",
        'zone = "Europe/Oslo"',
        'weekdays = "mandag tirsdag onsdag"',
        'nb = "Desember"',
        'en = "Monday"',
        'months = ("January", "February")',
    ],
)
def test_the_guards_catch_what_they_are_for(line):
    assert ZONE_IN_CODE.search(line) or NAMES.search(line)


@pytest.mark.parametrize(
    "line",
    [
        "You may cancel at any time.",
        "Mail is queued",
        "weekday_evening",
        "the march of time",
        "from zoneinfo import ZoneInfo",
        "zone: ZoneInfo | None = None",
    ],
)
def test_the_guards_let_ordinary_words_and_type_hints_through(line):
    assert not ZONE_IN_CODE.search(line) and not NAMES.search(line)
