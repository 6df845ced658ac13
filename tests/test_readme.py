"""Every example in the README runs and prints what the README says."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str]]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", TEXT, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, expected = chunk.partition("\n")
            examples.append((command, expected))
    return examples


@pytest.mark.parametrize(("command", "expected"), console_examples(), ids=lambda v: v[:60])
def test_console_example(cli, command, expected):
    args = shlex.split(command)
    assert args[0] == "overland"
    _, out, err = cli(*args[1:])
    assert (out + err).rstrip("\n") == expected.rstrip("\n")


def test_python_examples():
    blocks = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
    assert blocks
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README python block {i}", str(README), 0)
        runner.run(test)
    assert runner.failures == 0
    assert runner.tries > 0


def test_package_docstring_example():
    import overland

    failures, tries = doctest.testmod(overland)
    assert tries > 0 and failures == 0
