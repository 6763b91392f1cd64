#!/usr/bin/env python3
"""Runs a command under the seccomp filters a systemd unit file asks for, built the way systemd
252 builds them, for the sandbox test (systemd is not PID 1 on the test machines).

    unit_syscall_filter.py UNIT_FILE -- COMMAND [ARG...]

Like systemd, it loads one filter per setting, each deciding only its own calls (the kernel
takes the strictest answer):

- `SystemCallFilter=`: an allow-list (the first line, with `@default` added as systemd adds it),
  then `~` lines taking groups out of it; any other call returns `SystemCallErrorNumber=`.
  The `@groups` are expanded by this machine's `systemd-analyze syscall-filter`.
- `RestrictAddressFamilies=`: socket(2) for any family not listed returns EAFNOSUPPORT.
- `RestrictNamespaces=yes`: unshare(2) and setns(2) return EPERM, and so does clone(2) with a
  new-namespace flag; clone3(2), whose flags a filter cannot read, returns ENOSYS (glibc then
  falls back to clone).
- `LockPersonality=yes`: personality(2) with anything but the Linux default returns EPERM.

Native architecture only (`SystemCallArchitectures=native`). Names this architecture does not
have are skipped, as systemd skips them. Not reproduced: `RestrictSUIDSGID=`,
`RestrictRealtime=` (their calls are outside the allow-list here anyway) and everything that is
not seccomp (`DeviceAllow=`, `ProtectKernel*=`).
"""
import errno
import os
import socket
import subprocess
import sys

import seccomp

# socket(2) families are small integers; anything from here up is no family at all.
AF_MAX = 46
# clone(2)'s new-namespace flags (linux/sched.h).
CLONE_NEW = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
PER_LINUX = 0x0


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
    allowed = expand(["@default"], groups)
    for line in lines:
        names = expand(line.lstrip("~").split(), groups)
        allowed = allowed - names if line.startswith("~") else allowed | names
    return allowed


def native(call: str) -> bool:
    try:
        # libseccomp stands in a negative number for a call of another architecture.
        return seccomp.resolve_syscall(seccomp.Arch.NATIVE, call) >= 0
    except (ValueError, RuntimeError):
        return False


def yes(unit: str, name: str) -> bool:
    values = directives(unit, name)
    return bool(values) and values[-1] in ("yes", "true", "1", "on")


def system_call_filter(unit: str) -> seccomp.SyscallFilter:
    refused = directives(unit, "SystemCallErrorNumber") or ["EPERM"]
    calls = seccomp.SyscallFilter(defaction=seccomp.ERRNO(getattr(errno, refused[-1])))
    for call in sorted(allowed_calls(unit)):
        if native(call):
            calls.add_rule(seccomp.ALLOW, call)
    return calls


def address_families(unit: str) -> seccomp.SyscallFilter | None:
    allowed = {int(getattr(socket, name)) for line in directives(unit, "RestrictAddressFamilies")
               for name in line.split()}
    if not allowed:
        return None
    families = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    no_family = seccomp.ERRNO(errno.EAFNOSUPPORT)
    for family in sorted(set(range(AF_MAX)) - allowed):
        families.add_rule(no_family, "socket", seccomp.Arg(0, seccomp.EQ, family))
    families.add_rule(no_family, "socket", seccomp.Arg(0, seccomp.GE, AF_MAX))
    return families


def namespaces() -> seccomp.SyscallFilter:
    refused = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for call in ("unshare", "setns"):
        refused.add_rule(seccomp.ERRNO(errno.EPERM), call)
    for flag in CLONE_NEW.values():
        refused.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    if native("clone3"):
        refused.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    return refused


def personality() -> seccomp.SyscallFilter:
    locked = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    locked.add_rule(seccomp.ERRNO(errno.EPERM), "personality", seccomp.Arg(0, seccomp.NE, PER_LINUX))
    return locked


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: unit_syscall_filter.py UNIT_FILE -- COMMAND [ARG...]")
    unit, command = sys.argv[1], sys.argv[3:]
    filters = [address_families(unit)]
    if yes(unit, "RestrictNamespaces"):
        filters.append(namespaces())
    if yes(unit, "LockPersonality"):
        filters.append(personality())
    # The allow-list last: loading the others needs calls it may refuse (none today).
    filters.append(system_call_filter(unit))
    for loaded in filters:
        if loaded is not None:
            loaded.load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
