"""The repository stands alone: a fresh clone with nothing beside it passes `make test`."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "tests" / "specs"
# A path that climbs out of the repository: relative steps up to a parent folder, a parent
# above the root, or a walk over every ancestor folder looking for a file.
OUTSIDE = re.compile(
    r"""(?:Path\(|open\(|/\s*)["']\.\.["'/]|parents\[[2-9]\]|\.parent\.parent\.parent|\.parents\s*:"""
)


def tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.fail("git ls-files failed: run the tests from a git checkout")
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_no_code_reads_files_outside_the_repository() -> None:
    code = [
        path
        for path in tracked_files()
        if path.suffix in (".py", ".toml", ".cfg", ".ini") or path.name in ("Makefile", "run")
    ]
    assert code, "no code found: is this a checkout?"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in code
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OUTSIDE.search(line) and path.name != Path(__file__).name
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("name", "sha256"),
    [
        (
            "signalwire-video.openapi.yaml",
            "d6709f872e08daadaf4b6afb05192f89debc0f44b35ef43ac8ee7c472475cc2a",
        ),
        (
            "telnyx-video-rooms.openapi.yaml",
            "5de8d6c05a800681378068b68b3411bd86712fb15905bdcd8c16d47035154de1",
        ),
    ],
)
def test_spec_copies_are_in_the_repository_and_unchanged(name: str, sha256: str) -> None:
    path = SPECS / name
    assert path in tracked_files(), f"{name} is not committed"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    assert name in (SPECS / "SOURCE.md").read_text()
