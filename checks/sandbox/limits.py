"""Resource bounds for a sandboxed process tree, and a sure way to end it.

Memory and process count use a cgroup made per step (v1 `memory` + `pids`
controllers, or a delegated v2 subtree); the cgroup also lists every process
the step started, so `kill_all` reaches them even if they left the process
group. Without a writable cgroup hierarchy, RLIMIT_AS bounds memory instead
(and the process count is bounded only by the PID namespace's lifetime). CPU
time and core dumps are always bounded with rlimits. (RLIMIT_AS is no fit for
runtimes that reserve large address ranges, such as V8's WebAssembly, so
callers can turn that fallback off.)
"""

from __future__ import annotations

import os
import resource
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_cgroup(controller: str | None) -> Path | None:
    """This process's cgroup folder for a v1 controller (or the v2 unified one when `controller` is None)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if (controller is None and controllers == "") or (controller and controller in controllers.split(",")):
            base = CGROUP_ROOT / controller if controller else CGROUP_ROOT / "unified"
            if controller is None and not base.exists():
                base = CGROUP_ROOT
            return base / path.lstrip("/")
    return None


class StepLimits:
    """Create with the bounds, pass `preexec` to Popen, call `kill_all` then `close` in a finally."""

    def __init__(self, *, memory_mb: int, pids: int, cpu_s: float, address_space_fallback: bool = True) -> None:
        self.memory_bytes = memory_mb * 1024 * 1024
        self.pids = pids
        self.cpu_s = int(cpu_s)
        self.groups: list[Path] = []
        self.address_space_fallback = address_space_fallback
        self.hit_memory_limit = False
        self.hit_pids_limit = False
        self._make_cgroups()

    def _make_cgroups(self) -> None:
        name = f"decaycheck-{uuid.uuid4().hex[:12]}"
        _sweep_stale_groups()
        made: list[Path] = []
        try:
            mem, pid = _own_cgroup("memory"), _own_cgroup("pids")
            if mem and pid and (mem / "memory.limit_in_bytes").exists() and (pid / "cgroup.procs").exists():
                for parent, settings in (
                    (mem, {"memory.limit_in_bytes": self.memory_bytes}),
                    (pid, {"pids.max": self.pids}),
                ):
                    group = parent / name
                    group.mkdir()
                    made.append(group)
                    for key, value in settings.items():
                        (group / key).write_text(str(value))
                    if (group / "memory.memsw.limit_in_bytes").exists():
                        (group / "memory.memsw.limit_in_bytes").write_text(str(self.memory_bytes))
            else:
                unified = _own_cgroup(None)
                if unified and (unified / "cgroup.subtree_control").exists():
                    group = unified / name
                    group.mkdir()
                    made.append(group)
                    (group / "memory.max").write_text(str(self.memory_bytes))
                    (group / "pids.max").write_text(str(self.pids))
        except OSError:
            for group in reversed(made):
                _rmdir(group)
            made = []
        self.groups = made

    def preexec(self) -> Callable[[], None]:
        """Runs in the child before exec: join the cgroups, set the rlimits."""
        procs = [str(g / "cgroup.procs") for g in self.groups]
        memory, cpu, use_as = self.memory_bytes, self.cpu_s, not self.groups and self.address_space_fallback

        def _apply() -> None:
            for p in procs:
                with open(p, "w") as f:
                    f.write(str(os.getpid()))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if use_as:
                resource.setrlimit(resource.RLIMIT_AS, (memory * 4, memory * 4))

        return _apply

    def members(self) -> set[int]:
        pids: set[int] = set()
        for g in self.groups:
            try:
                pids |= {int(x) for x in (g / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return pids

    def oom_killed(self) -> bool:
        """Whether the kernel killed a member for memory (v1 `memory.oom_control`, v2 `memory.events`)."""
        for g in self.groups:
            for name in ("memory.oom_control", "memory.events"):
                try:
                    lines = (g / name).read_text().splitlines()
                except OSError:
                    continue
                if any(ln.startswith("oom_kill ") and ln.split()[1] != "0" for ln in lines):
                    return True
        return False

    def pids_refused(self) -> bool:
        """Whether a fork was refused for the process limit (`pids.events`: `max N`)."""
        for g in self.groups:
            try:
                lines = (g / "pids.events").read_text().splitlines()
            except OSError:
                continue
            if any(ln.startswith("max ") and ln.split()[1] != "0" for ln in lines):
                return True
        return False

    def kill_all(self, pgid: int | None = None) -> None:
        """SIGKILL the process group and every cgroup member until none is left."""
        if pgid is not None:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for _ in range(50):
            left = self.members()
            if not left:
                return
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)

    def close(self) -> None:
        """Remove the cgroups, remembering first whether the memory or the process limit was reached."""
        self.hit_memory_limit = self.hit_memory_limit or self.oom_killed()
        self.hit_pids_limit = self.hit_pids_limit or self.pids_refused()
        for g in self.groups:
            _rmdir(g)
        self.groups = []


STALE_AFTER_S = 6 * 3600


def _sweep_stale_groups() -> None:
    """Remove empty step cgroups left by a killed evaluation (an empty cgroup holds nothing but its name)."""
    cutoff = time.time() - STALE_AFTER_S
    for controller in ("memory", "pids", None):
        parent = _own_cgroup(controller)
        if parent is None or not parent.is_dir():
            continue
        for group in parent.glob("decaycheck-*"):
            try:
                if group.stat().st_mtime < cutoff and not (group / "cgroup.procs").read_text().strip():
                    group.rmdir()
            except OSError:
                continue


def _rmdir(group: Path) -> None:
    for _ in range(50):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)
