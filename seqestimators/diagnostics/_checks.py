"""The registry of checks: a new check is one file and one entry here."""

from __future__ import annotations

from . import (
    _baseline,
    _convergence,
    _fit_gap,
    _gradient_flow,
    _memory_horizon,
    _memory_use,
    _scaling,
    _state_policy,
    _truncation,
)

#: The checks of a diagnosis, by name (a :class:`Check` each), in the order of its ``findings``.
CHECKS = {check.name: check for check in (
    _convergence.CHECK,
    _memory_use.CHECK,
    _memory_horizon.CHECK,
    _gradient_flow.CHECK,
    _state_policy.CHECK,
    _truncation.CHECK,
    _scaling.CHECK,
    _fit_gap.CHECK,
    _baseline.CHECK,
)}


def run_checks(evidence, checks=None):
    """The findings of ``checks`` (default: all) on ``evidence``, in the registry's order.

    A check runs after the checks it ``needs``, whose findings it reads.
    """
    checks = CHECKS if checks is None else checks
    findings, pending = {}, dict(checks)
    while pending:
        ready = [name for name, check in pending.items()
                 if all(need in findings or need not in checks for need in check.needs)]
        if not ready:
            raise ValueError(f"the checks {sorted(pending)} need each other")
        for name in ready:
            findings[name] = pending.pop(name).run(evidence, findings)
    return [findings[name] for name in checks]
