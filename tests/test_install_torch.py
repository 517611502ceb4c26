"""The torch step of ``make demo`` / ``make test`` (``.ci/install_torch.py``), without network.

pip is replaced by a stand-in: an injected runner that records each command, or a fake ``pip``
executable that logs its arguments and answers like pip does when no index has the wheel.
"""

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "install_torch.py"
CPU_SPEC = "torch==2.13.0+cpu"
NOT_FOUND = (f"ERROR: Could not find a version that satisfies the requirement {CPU_SPEC} "
             "(from versions: none)\nERROR: No matching distribution found for "
             f"{CPU_SPEC}\n")


@pytest.fixture(scope="module")
def installer():
    spec = importlib.util.spec_from_file_location("install_torch", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakePip:
    """A runner that records the commands and answers each with the next scripted reply."""

    def __init__(self, *replies):
        self.replies, self.commands = list(replies), []

    def __call__(self, command):
        self.commands.append(list(command))
        return self.replies.pop(0)


def _install(installer, spec, *replies):
    pip, said = FakePip(*replies), []
    code = installer.install_torch(spec, pip=["pip"], run=pip, say=said.append)
    return code, pip.commands, " ".join(said)


def test_wheel_found_by_the_configured_pip_installs_once(installer):
    # a local mirror / find-links already provides the +cpu wheel: no other index is added
    code, commands, said = _install(installer, CPU_SPEC, (0, "Successfully installed torch"))
    assert code == 0
    assert commands == [["pip", "install", "--only-binary=:all:", CPU_SPEC]]
    assert "retrying" not in said


def test_cpu_build_not_found_falls_back_to_pytorch_cpu_index(installer):
    code, commands, said = _install(installer, CPU_SPEC, (1, NOT_FOUND), (0, "Successfully"))
    assert code == 0
    assert len(commands) == 2
    assert "--extra-index-url" not in commands[0] and "--index-url" not in commands[0]
    retry = commands[1]
    # the index is added for this one install, and the requirement is still the exact +cpu pin
    assert retry[retry.index("--extra-index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    assert retry[-1] == CPU_SPEC and "--only-binary=:all:" in retry
    assert "retrying with --extra-index-url https://download.pytorch.org/whl/cpu" in said


def test_fallback_failure_is_reported(installer):
    code, commands, said = _install(installer, CPU_SPEC, (1, NOT_FOUND), (1, NOT_FOUND))
    assert code == 1 and len(commands) == 2
    assert "could not install torch==2.13.0+cpu" in said


@pytest.mark.parametrize(
    "spec, reply",
    [
        (CPU_SPEC, (1, "ERROR: Could not install packages due to an OSError: No space left")),
        ("torch==2.13.0", (1, "ERROR: No matching distribution found for torch==2.13.0")),
        ("torch", (1, "ERROR: No matching distribution found for torch")),
    ],
    ids=["other-error", "gpu-build", "unpinned"],
)
def test_no_fallback_for_other_failures_or_non_cpu_builds(installer, spec, reply):
    # never a second index for a build that could resolve to CUDA wheels
    code, commands, _ = _install(installer, spec, reply)
    assert code == 1 and len(commands) == 1


@pytest.mark.parametrize(
    "spec, expected",
    [("torch==2.13.0+cpu", True), ("torch == 2.13.0+cpu", True), ("torch===2.13.0+cpu", True),
     ("torch==2.13.0", False), ("torch>=2.13+cpu", False), ("torchvision==0.1+cpu", False)],
)
def test_is_cpu_pin(installer, spec, expected):
    assert installer.is_cpu_pin(spec) is expected


def test_script_with_a_fake_pip_executable(tmp_path):
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "fake_pip.py"
    fake.write_text(textwrap.dedent(f"""
        import json, sys
        log = {str(log)!r}
        with open(log, "a") as f:
            f.write(json.dumps(sys.argv[1:]) + "\\n")
        with open(log) as f:
            n_calls = len(f.readlines())
        if n_calls == 1:
            print({NOT_FOUND!r}, end="")
            sys.exit(1)
        print("Successfully installed torch-2.13.0+cpu")
    """))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), CPU_SPEC, "--pip", f"{sys.executable} {fake}"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [
        ["install", "--only-binary=:all:", CPU_SPEC],
        ["install", "--only-binary=:all:", "--extra-index-url",
         "https://download.pytorch.org/whl/cpu", CPU_SPEC],
    ]
    # pip's own output is passed through, then the fallback is announced
    assert "No matching distribution found" in result.stdout
    assert "retrying with --extra-index-url" in result.stdout
