"""The architecture's boundaries, checked on the source tree itself (like Home Assistant's hassfest)."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import repo_root

ROOT = repo_root()
PACKAGES = ("kiosk", "drivers", "screens", "provisioning", "fundcenter")
KIVY_ALLOWED = {"kiosk/app.py"}  # the app wiring; plus everything under screens/
HTTP_MODULES = {"requests", "urllib3", "httpx", "http", "aiohttp", "fastapi", "uvicorn"}


def imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(module: str) -> str:
    return module.split(".", maxsplit=1)[0]


@pytest.mark.parametrize("package", PACKAGES)
def test_kivy_only_in_screens_and_app_wiring(package: str) -> None:
    for path in sources(package):
        rel = path.relative_to(ROOT).as_posix()
        if package == "screens" or rel in KIVY_ALLOWED:
            continue
        assert "kivy" not in {top(m) for m in imports(path)}, rel


def test_no_http_in_drivers() -> None:
    for path in sources("drivers"):
        assert not HTTP_MODULES & {top(m) for m in imports(path)}, path


def test_kiosk_core_never_imports_screens_except_the_wiring() -> None:
    for path in sources("kiosk"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in KIVY_ALLOWED:
            continue
        assert "screens" not in {top(m) for m in imports(path)}, rel


def test_fundcenter_shares_only_the_contract() -> None:
    for path in sources("fundcenter"):
        assert not {"kiosk", "drivers", "screens", "provisioning"} & {top(m) for m in imports(path)}, path


def test_screens_do_no_io() -> None:
    forbidden = {"requests", "serial", "socket", "subprocess", "sqlite3", "cv2"}
    for path in sources("screens"):
        assert not forbidden & {top(m) for m in imports(path)}, path
        assert "time.sleep(" not in path.read_text("utf-8"), path


def test_every_driver_has_a_simulator() -> None:
    for driver in sorted(p for p in (ROOT / "drivers").iterdir() if p.is_dir() and p.name != "__pycache__"):
        has_sim = (driver / "simulator.py").is_file() or (driver / "simulator").is_dir()
        assert has_sim, f"{driver.name} has no simulator"
