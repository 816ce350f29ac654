"""The README's commands are the parser's: every command documented, every option it names real,
every example one the parser accepts."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from saywho.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _command_lines() -> list[str]:
    """Lines of the README's code blocks that run saywho, continuation lines joined, comments cut."""
    blocks = re.findall(r"```\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    lines: list[str] = []
    for block in blocks:
        for raw in block.splitlines():
            line = raw.split("  #")[0].rstrip()
            if line.startswith(" ") and lines and lines[-1].startswith("saywho "):
                lines[-1] += " " + line.strip()  # a synopsis wrapped onto the next line
            elif line.startswith("saywho "):
                lines.append(line)
            elif "| saywho " in line:
                lines.append("saywho " + line.split("| saywho ", 1)[1])
    return lines


def test_every_command_is_documented() -> None:
    documented = {line.split()[1] for line in _command_lines()}
    assert set(_subcommands()) <= documented, set(_subcommands()) - documented


@pytest.mark.parametrize("line", [x for x in _command_lines() if "[" in x])
def test_every_option_in_a_synopsis_exists(line: str) -> None:
    sub = _subcommands()[line.split()[1]]
    known = {s for a in sub._actions for s in a.option_strings}
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", line))
    assert named <= known, named - known


@pytest.mark.parametrize("line", [x for x in _command_lines() if "[" not in x and "..." not in x])
def test_every_example_parses(line: str) -> None:
    line = re.sub(r"\$\([^)]*\)", "VALUE", line)  # "$(openssl rand -hex 16)"
    words = shlex.split(line.split(" > ")[0].split(" | ")[0])
    build_parser().parse_args(words[1:])  # argparse exits (a test failure) on anything it rejects
