#!/usr/bin/env python3
"""Checks yocto/kas/*.yml without fetching anything: every file, and every top-level file merged
with what it includes (as kas merges them), against the JSON schema of the kas release installed
next to this interpreter; then that every repository with a url is pinned to a full commit on a
named branch. Run by scripts/check-layer with the layer-check virtual environment's python.

    check_kas.py KAS_DIR REPO_ROOT

Exits 1 on a schema error or a missing pin; a commit of all zeros (a placeholder for a commit
nobody looked up) is a missing pin.
"""

import copy
import re
import sys
from pathlib import Path

import jsonschema
import yaml
from kas import configschema

PLACEHOLDER = "0" * 40


def load(path: Path) -> dict:
    with path.open() as f:
        return yaml.safe_load(f) or {}


def merge(base: dict, over: dict) -> dict:
    """kas's merge: dictionaries merge key by key, anything else is replaced."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def resolved(path: Path, root: Path, seen: tuple = ()) -> dict:
    if path in seen:
        raise ValueError(f"{path} includes itself")
    config = load(path)
    merged: dict = {}
    for include in config.get("header", {}).get("includes", []):
        if not isinstance(include, str):
            raise ValueError(f"{path}: includes from other repositories are not checked here")
        merged = merge(merged, resolved(root / include, root, seen + (path,)))
    return merge(merged, config)


def schema_errors(config: dict) -> list[str]:
    validator = jsonschema.validators.validator_for(configschema.CONFIGSCHEMA)(configschema.CONFIGSCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(config)]


def main(kas_dir: Path, root: Path) -> int:
    files = sorted(kas_dir.rglob("*.yml"))
    tops = [f for f in files if f.parent == kas_dir]
    failed = False
    for f in files:
        for error in schema_errors(load(f)):
            print(f"kas: {f.relative_to(root)}: {error}")
            failed = True
    for top in tops:
        config = resolved(top, root)
        errors = schema_errors(config)
        for error in errors:
            print(f"kas: {top.relative_to(root)} (with its includes): {error}")
        failed |= bool(errors)
        pins = 0
        for name, repo in sorted((config.get("repos") or {}).items()):
            repo = repo or {}
            if not repo.get("url"):
                continue  # this repository itself
            commit, branch = repo.get("commit", ""), repo.get("branch")
            if not branch or not re.fullmatch(r"[0-9a-f]{40}", str(commit)) or commit == PLACEHOLDER:
                print(f"kas: {top.relative_to(root)}: {name} is not pinned to a full commit on a branch")
                failed = True
            else:
                pins += 1
        print(f"kas: {top.relative_to(root)}: schema OK, {pins} layer repositories pinned")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))
