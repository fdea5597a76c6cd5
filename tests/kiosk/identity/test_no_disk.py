"""Frames, crops and encodings never reach the disk: the identity and camera code has no way to write one."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import repo_root

ROOT = repo_root()
# Calls that write an image or an array to a file; `SessionScratch` is the only sanctioned place.
WRITERS = {"imwrite", "imencode", "save", "savez", "savez_compressed", "tofile", "write_bytes", "write_text"}
ALLOWED = {"kiosk/identity/scratch.py"}


@pytest.mark.parametrize("package", ["kiosk/identity", "drivers/camera"])
def test_no_writes_to_disk(package: str) -> None:
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in WRITERS, f"{rel}:{node.lineno} calls {node.func.attr}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
                modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
                writes = any(set(str(m)) & set("wax+") for m in modes)
                assert not writes, f"{rel}:{node.lineno} opens a file to write"
