"""The set-up helper the Makefile uses for Debian packages."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import repo_root

SCRIPT = repo_root() / "scripts" / "ensure-apt-packages"


def run_as_nobody(*packages: str) -> subprocess.CompletedProcess[str]:
    # The script goes in on stdin: the checkout may sit where the unprivileged user cannot read.
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-s", "--", *packages],
        input=SCRIPT.read_text("utf-8"),
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


needs_root_and_dpkg = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("dpkg-query"),
    reason="switching to an unprivileged user needs root, setpriv and dpkg",
)


@needs_root_and_dpkg
def test_non_root_gets_the_missing_packages_named() -> None:
    done = run_as_nobody("bash", "no-such-package-for-the-kiosk")
    assert done.returncode == 1
    assert "These Debian packages are missing: no-such-package-for-the-kiosk" in done.stderr
    assert "apt-get install -y no-such-package-for-the-kiosk" in done.stderr
    assert "bash" not in done.stderr.split("missing:")[1].split("\n")[0]


@needs_root_and_dpkg
def test_nothing_to_do_when_everything_is_installed() -> None:
    done = run_as_nobody("bash", "coreutils")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
