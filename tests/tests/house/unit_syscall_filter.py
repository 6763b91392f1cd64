#!/usr/bin/env python3
"""Runs a command under the system-call filter a systemd unit file asks for, as systemd would
apply it, for the sandbox test (systemd is not PID 1 on the test machines).

    unit_syscall_filter.py UNIT_FILE -- COMMAND [ARG...]

Reads the unit's `SystemCallFilter=` lines (an allow-list, then `~` lines taking groups out of
it), `SystemCallErrorNumber=` (what a refused call returns) and `RestrictAddressFamilies=`
(socket(2) for any other family returns EAFNOSUPPORT), expands the `@groups` with this
machine's `systemd-analyze syscall-filter`, loads the filter with libseccomp (Debian's
python3-seccomp; native architecture only, as `SystemCallArchitectures=native`) and execs
COMMAND. Names this architecture does not have are skipped, as systemd skips them.
"""
import errno
import os
import socket
import subprocess
import sys

import seccomp

# systemd allows these in any allow-list, listed or not (systemd.exec(5), SystemCallFilter=).
ALWAYS_ALLOWED = ["execve", "exit", "exit_group", "getrlimit", "rt_sigreturn", "sigreturn", "@default"]
# socket(2) families are small integers; anything from here up is no family at all.
AF_MAX = 46


def directives(unit: str, name: str) -> list[str]:
    values = []
    with open(unit, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith(name + "="):
                values.append(line[len(name) + 1 :].strip())
    return values


def syscall_groups() -> dict[str, list[str]]:
    """Every group `systemd-analyze syscall-filter` knows, with its members (names or groups)."""
    out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager"], check=True,
                         capture_output=True, text=True).stdout
    groups, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
    return groups


def expand(names: list[str], groups: dict[str, list[str]]) -> set[str]:
    calls, pending = set(), list(names)
    while pending:
        name = pending.pop()
        if name.startswith("@"):
            if name not in groups:
                sys.exit(f"unit_syscall_filter: the unit names {name}, which this systemd does not know")
            pending.extend(groups[name])
        else:
            calls.add(name)
    return calls


def allowed_calls(unit: str) -> set[str]:
    groups = syscall_groups()
    lines = directives(unit, "SystemCallFilter")
    if not lines or lines[0].startswith("~"):
        sys.exit("unit_syscall_filter: the unit has no allow-list SystemCallFilter= to apply")
    allowed: set[str] = set()
    for line in lines:
        deny = line.startswith("~")
        names = expand(line.lstrip("~").split(), groups)
        allowed = allowed - names if deny else allowed | names
    return allowed | expand(ALWAYS_ALLOWED, groups)


def families(unit: str) -> set[int]:
    allowed = set()
    for line in directives(unit, "RestrictAddressFamilies"):
        for name in line.split():
            allowed.add(int(getattr(socket, name)))
    return allowed


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: unit_syscall_filter.py UNIT_FILE -- COMMAND [ARG...]")
    unit, command = sys.argv[1], sys.argv[3:]
    refused = directives(unit, "SystemCallErrorNumber") or ["EPERM"]
    refuse = seccomp.ERRNO(getattr(errno, refused[-1]))
    syscalls = seccomp.SyscallFilter(defaction=refuse)
    address_families = families(unit)
    for call in sorted(allowed_calls(unit)):
        try:
            number = seccomp.resolve_syscall(seccomp.Arch.NATIVE, call)
        except (ValueError, RuntimeError):
            continue
        if number < 0:  # libseccomp's stand-in for a call of another architecture
            continue
        if call == "socket" and address_families:
            continue
        syscalls.add_rule(seccomp.ALLOW, call)
    if address_families:
        no_family = seccomp.ERRNO(errno.EAFNOSUPPORT)
        for family in range(AF_MAX):
            action = seccomp.ALLOW if family in address_families else no_family
            syscalls.add_rule(action, "socket", seccomp.Arg(0, seccomp.EQ, family))
        syscalls.add_rule(no_family, "socket", seccomp.Arg(0, seccomp.GE, AF_MAX))
    syscalls.load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
