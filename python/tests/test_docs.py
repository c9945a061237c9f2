"""The package's docstring examples and the documentation's Python blocks
run, and every public name is documented."""

from __future__ import annotations

import doctest
import inspect

import zonesim
import zonesim._result
import zonesim._study


def test_docstring_examples_run() -> None:
    for module in (zonesim, zonesim._result, zonesim._study):
        failed, tried = doctest.testmod(module, raise_on_error=False, verbose=False)
        assert failed == 0, module.__name__
    assert doctest.testmod(zonesim).attempted >= 4


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for name in zonesim.__all__:
        obj = getattr(zonesim, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            if not inspect.getdoc(obj):
                missing.append(name)
            for attr, member in vars(obj).items() if inspect.isclass(obj) else []:
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, property)):
                    continue
                if not inspect.getdoc(member):
                    missing.append(f"{name}.{attr}")
    assert not missing, missing


def test_stubs_and_marker_are_installed() -> None:
    from pathlib import Path

    here = Path(zonesim.__file__).parent
    assert (here / "py.typed").exists()
    assert (here / "_zonesim.pyi").exists()


def _python_blocks(text: str) -> list:
    blocks, inside, current = [], False, []
    for line in text.splitlines():
        if line.strip() == "```python":
            inside, current = True, []
        elif inside and line.strip() == "```":
            inside = False
            blocks.append("\n".join(current))
        elif inside:
            current.append(line)
    return blocks


def test_the_documented_python_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    readme = (root / "README.md").read_text()
    section = readme[readme.index("## Python\n") :]
    section = section[: section.index("\n## ", 1)]
    docs = [section, (root / "docs" / "PYTHON.md").read_text(), (root / "python" / "README.md").read_text()]
    for doc in docs:
        blocks = _python_blocks(doc)
        assert blocks
        namespace: dict = {}
        for block in blocks:
            exec(compile(block, "<doc>", "exec"), namespace)  # noqa: S102
