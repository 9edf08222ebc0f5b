"""The documentation stays short where it must, links where it says, and names every command."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
README_MAX_LINES = 250

# [text](target) and ![alt](target); the target ends at whitespace or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _relative_links(markdown: str) -> list[str]:
    """Link targets that point into this repository (no scheme, no bare #anchor), without their #anchor."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)  # links inside code blocks are code
    targets = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue
        targets.append(unquote(target.split("#", 1)[0]))
    return targets


def _subcommands() -> list[str]:
    """The commands ``digitdraw --help`` lists, read from the parser itself."""
    import argparse

    from digitdraw.cli import _parser

    parser = _parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert actions, "digitdraw's parser has no sub-commands"
    return sorted(actions[0].choices)


def test_the_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines; keep it at most {README_MAX_LINES} and put depth in docs/*.md")


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_points_at_a_file_that_exists(page):
    targets = _relative_links(page.read_text(encoding="utf-8"))
    missing = [target for target in targets if not (page.parent / target).exists()]
    assert not missing, f"{page.relative_to(ROOT)} links to files that do not exist: {missing}"


def test_the_link_finder_sees_links_and_skips_urls_and_code():
    found = _relative_links(
        "See [cli](docs/cli.md#train) and ![shot](docs/draw.png), not [site](https://x.org/a.md) "
        "or [here](#top).\n```\n[code](nowhere.md)\n```\n"
    )
    assert found == ["docs/cli.md", "docs/draw.png"]


def _synopsis(readme: str) -> str:
    """The README's command-line synopsis: the first code block under the command-line heading."""
    section = readme[readme.index("## The command line"):]
    match = re.search(r"```[a-z]*\n(.*?)```", section, re.DOTALL)
    assert match, "the README's command-line section has no synopsis block"
    return match.group(1)


def test_every_command_is_in_the_readme_synopsis_and_in_cli_md():
    commands = _subcommands()
    assert {"gui", "classify", "train"} <= set(commands)
    synopsis = _synopsis(README.read_text(encoding="utf-8"))
    cli_md = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    not_in_synopsis = [c for c in commands if not re.search(rf"^digitdraw {c}\b", synopsis, re.MULTILINE)]
    not_in_cli_md = [c for c in commands if not re.search(rf"^## `digitdraw {c}`", cli_md, re.MULTILINE)]
    assert not not_in_synopsis, f"commands missing from the README's synopsis: {not_in_synopsis}"
    assert not not_in_cli_md, f"commands without a section '## `digitdraw NAME`' in docs/cli.md: {not_in_cli_md}"


def _options() -> dict[str, list[str]]:
    """Each command's long options, as `digitdraw COMMAND --help` lists them."""
    import argparse

    from digitdraw.cli import _parser

    subparsers = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {
        name: [o for action in command._actions for o in action.option_strings if o.startswith("--") and o != "--help"]
        for name, command in subparsers.choices.items()
    }


def _part(text: str, start: str, next_part: str) -> str:
    """From the line matching ``start`` to the next line matching ``next_part`` (or the end)."""
    begin = re.search(start, text, re.MULTILINE)
    assert begin, f"no line matching {start!r}"
    end = re.compile(next_part, re.MULTILINE).search(text, begin.end())
    return text[begin.start(): end.start() if end else len(text)]


def _synopsis_entries(synopsis: str) -> dict[str, str]:
    """Each command's lines in the synopsis: those starting ``digitdraw NAME`` and their indented continuations."""
    entries: dict[str, str] = {}
    current = None
    for line in synopsis.splitlines():
        match = re.match(r"digitdraw (\w+)", line)
        if match:
            current = match.group(1)
            entries[current] = entries.get(current, "") + line + "\n"
        elif line.startswith(" ") and current:
            entries[current] += line + "\n"
        else:
            current = None
    return entries


def test_every_option_is_in_the_readme_synopsis_and_in_cli_md():
    """The synopsis of each command lists every option its --help offers (the train synopsis once lacked
    three), and so does the command's section in docs/cli.md."""
    entries = _synopsis_entries(_synopsis(README.read_text(encoding="utf-8")))
    cli_md = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, options in _options().items():
        in_cli_md = _part(cli_md, rf"^## `digitdraw {name}`", r"^## ")
        missing = [o for o in options if o not in entries.get(name, "")]
        assert not missing, f"the README's synopsis of `digitdraw {name}` lacks {missing}"
        missing = [o for o in options if f"`{o}" not in in_cli_md]
        assert not missing, f"docs/cli.md's section on `digitdraw {name}` does not describe {missing}"


def test_every_benchmark_says_in_performance_md_how_to_run_it():
    performance = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    scripts = sorted(path.name for path in (ROOT / "benchmarks").glob("*.py"))
    assert scripts
    missing = [name for name in scripts if f"python benchmarks/{name}" not in performance]
    assert not missing, f"docs/performance.md does not say how to run {missing}"


def test_the_readme_says_why_each_dependency_is_there():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    names = {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0) for requirement in requirements}
    names.discard(project["name"])  # an extra that pulls in another extra
    readme = README.read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md does not say why these dependencies are there: {missing}"


def test_every_tab_has_its_section_in_using_md():
    """A tab is a package ui/<name>/ with a tab.py; docs/using.md has a section '## <Name>' for each."""
    using = (ROOT / "docs" / "using.md").read_text(encoding="utf-8")
    tabs = sorted(path.parent.name for path in (ROOT / "digitdraw" / "ui").glob("*/tab.py"))
    assert {"draw", "train"} <= set(tabs)
    missing = [name for name in tabs if not re.search(rf"^## {name}\b", using, re.MULTILINE | re.IGNORECASE)]
    assert not missing, f"docs/using.md has no section for the tabs {missing}"


def test_a_command_of_commands_names_each_of_them_in_the_synopsis_and_in_cli_md():
    """`digitdraw code train|fit|...`: each script it writes is named in both places."""
    import argparse

    from digitdraw.cli import _parser

    entries = _synopsis_entries(_synopsis(README.read_text(encoding="utf-8")))
    cli_md = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name, command in commands.items():
        inner = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for sub in inner[0].choices if inner else []:
            assert re.search(rf"\b{sub}\b", entries.get(name, "")), f"the README's synopsis of `digitdraw {name}` lacks {sub}"
            section = _part(cli_md, rf"^## `digitdraw {name}`", r"^## ")
            assert f"digitdraw {name} {sub}" in section, f"docs/cli.md's `digitdraw {name}` lacks `digitdraw {name} {sub}`"
