"""`make setup` installs what the desk and its tests run (scripts/system-packages.txt).

Every external program the code, the tests and the scripts call is found in the sources (calls of
``shutil.which``, command lists handed to a call, ``<bin dir> / "name"``, ``/usr/bin/...`` paths,
the commands of the shell scripts), then dpkg says which Debian package ships it here: that package
must be listed, be pulled in by a listed one, or be part of every Debian system (Essential or
Priority required). Programs of the virtualenv or node_modules are the project's own packages.
"""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

REPO = Path(settings.REPO_DIR)
LIST = REPO / "scripts" / "system-packages.txt"
SETUP = REPO / "scripts" / "setup-system.sh"
PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
# Used only by benchmarks (bench/README says how to get them), never by make run or make test.
NOT_FOR_MAKE = {"wrk"}

def listed_packages() -> set[str]:
    lines = (line.strip() for line in LIST.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


# --- finding the programs -----------------------------------------------------------------------

def _python_programs(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname == "which" and node.args and isinstance(node.args[0], ast.Constant):
                names.add(str(node.args[0].value))
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Starred):
                    arg = arg.value
                if isinstance(arg, (ast.List, ast.Tuple)) and arg.elts:
                    first = arg.elts[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        names.add(first.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            right = node.right.value if isinstance(node.right, ast.Constant) else None
            if isinstance(right, str) and any((d / right).is_file() for d in PG_BIN_DIRS):
                names.add(right)  # PG_BIN / "initdb" (other path segments are folders and files)
        elif isinstance(node, ast.Assign) and any("BINAR" in getattr(t, "id", "") for t in node.targets):
            names.update(e.value for e in getattr(node.value, "elts", []) if isinstance(e, ast.Constant))
    return names


_SHELL_KEYWORDS = re.compile(r"(?<![\w-])(?:if|then|do|else|elif|while|until|exec|time|!)(?=\s)")
_SHELL_COMMAND = re.compile(r"(?:^|[;&|(]|\$\()\s*([A-Za-z][\w.+-]*)(?=\s|$|;)", re.M)
_ABSOLUTE = re.compile(r"/usr/s?bin/[\w.+-]+")


def _shell_programs(source: str) -> set[str]:
    lines = [line.split(" #")[0] for line in source.splitlines() if not line.lstrip().startswith("#")]
    text = _SHELL_KEYWORDS.sub(";", "\n".join(lines))  # a keyword is followed by a command
    names = set(_SHELL_COMMAND.findall(text))
    # `VAR=value cmd` and `env VAR=value cmd`: the word after the assignments.
    names.update(re.findall(r"^\s*(?:[A-Z_]+=\S*\s+)+([a-z][\w.+-]*)", text, re.M))
    return names


def program_names() -> set[str]:
    names: set[str] = set()
    for path in [*(REPO / "backend" / "hdms").rglob("*.py"), *(REPO / "deploy").glob("*.py")]:
        names |= _python_programs(path.read_text())
    shell = [*(REPO / "scripts").glob("*.sh"), REPO / ".ci" / "run", REPO / "frontend" / "e2e" / "run.sh",
             REPO / "Makefile"]
    for path in shell:
        names |= _shell_programs(path.read_text())
    for path in [*shell, *(REPO / "backend" / "hdms").rglob("*.py"), *(REPO / "frontend" / "e2e").rglob("*.ts"),
                 *(REPO / "deploy").glob("*.py")]:
        names |= set(_ABSOLUTE.findall(path.read_text()))
    return {n for n in names if n and " " not in n}


def resolve(name: str) -> Path | None:
    """The installed executable a name means, outside the project's own environments."""
    if name.startswith("/"):
        path = Path(name)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for directory in [*map(str, PG_BIN_DIRS), "/usr/sbin", "/usr/bin", "/sbin", "/bin",
                      "/usr/local/sbin", "/usr/local/bin"]:
        path = Path(directory) / name
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


# --- asking dpkg ----------------------------------------------------------------------------------

def owning_packages(path: Path) -> set[str]:
    # Debian 12 ships /bin/x and /usr/bin/x in different packages' lists (merged /usr): ask for both.
    alternatives = [str(path), str(path.resolve())]
    alternatives += [re.sub(r"^/usr/(s?bin)/", r"/\1/", p) for p in alternatives]
    alternatives += [re.sub(r"^/(s?bin)/", r"/usr/\1/", p) for p in alternatives]
    for candidate in dict.fromkeys(alternatives):
        result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return {p.strip().split(":")[0] for line in result.stdout.splitlines()
                    for p in line.rsplit(": ", 1)[0].split(",")}
    return set()


def installed_packages() -> dict[str, dict[str, str]]:
    fields = "${Package}\t${Essential}\t${Priority}\t${Depends}\t${Pre-Depends}\t${Provides}\t${db:Status-Abbrev}\n"
    out = subprocess.run(["dpkg-query", "-W", "-f", fields], capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in out.splitlines():
        name, essential, priority, depends, pre, provides, status = (line.split("\t") + [""] * 7)[:7]
        if status.startswith("ii"):
            packages[name] = {"essential": essential, "priority": priority,
                              "depends": f"{depends}, {pre}", "provides": provides}
    return packages


def dependency_closure(roots: set[str], packages: dict[str, dict[str, str]]) -> set[str]:
    providers: dict[str, set[str]] = {}
    for name, info in packages.items():
        for virtual in re.findall(r"([a-z0-9][a-z0-9.+-]+)", info["provides"]):
            providers.setdefault(virtual, set()).add(name)
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        depends = packages.get(name, {}).get("depends", "")
        for dep in re.findall(r"([a-z0-9][a-z0-9.+-]+)(?::\w+)?\s*(?:\([^)]*\))?", depends):
            todo.extend([dep, *providers.get(dep, ())])
    return seen


# --- the tests --------------------------------------------------------------------------------------

def test_the_finder_sees_the_programs_it_must_see():
    names = program_names()
    # One of each way a program is named: which(), a command list, a bin dir path, an absolute
    # path, a shell script's command.
    assert {"ffmpeg", "nginx", "pg_dump", "rclone", "initdb", "/usr/bin/chromium", "curl", "npm"} <= names
    assert _shell_programs('x=1\nif ! foo --x; then\n  HDMS=1 bar &\nfi\nout="$(baz -q)"') >= {"foo", "bar", "baz"}


def test_every_program_the_desk_and_its_tests_call_comes_from_a_listed_package():
    listed = listed_packages()
    packages = installed_packages()
    assert listed <= set(packages), f"listed but not installed here: {sorted(listed - set(packages))}"
    covered = dependency_closure(listed, packages)
    base = {name for name, info in packages.items() if info["essential"] == "yes" or info["priority"] == "required"}

    uncovered, unknown = {}, []
    for name in sorted(program_names()):
        path = resolve(name)
        if path is None:
            continue  # a word, not a program on this machine (programs that must exist are checked below)
        owners = owning_packages(path)
        if not owners:
            unknown.append(str(path))
        elif not owners & (covered | base):
            uncovered[name] = sorted(owners)
    assert uncovered == {}, f"add these packages to {LIST.relative_to(REPO)}: {uncovered}"
    assert unknown == [], f"programs no Debian package ships (install them how?): {unknown}"


def test_every_program_asked_for_by_name_exists_here():
    # which("x") and the launcher's REQUIRED_BINARIES name programs for sure: after `make setup`
    # each is installed.
    missing = []
    for path in [*(REPO / "backend" / "hdms").rglob("*.py"), *(REPO / "deploy").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "which"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                name = node.args[0].value
                in_venv = (Path(sys.executable).parent / name).exists()
                if name not in NOT_FOR_MAKE and resolve(name) is None and not in_venv:
                    missing.append(f"{name} ({path.relative_to(REPO)})")
    assert missing == []


def test_setup_names_the_missing_packages_when_it_cannot_install_them():
    # Not root: it cannot install, so it names what is missing and stops (as root it would install).
    as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    tmp_path = Path(tempfile.mkdtemp(prefix="hdms-setup-"))  # readable by nobody
    tmp_path.chmod(0o755)
    script = tmp_path / "setup-system.sh"
    script.write_text(SETUP.read_text())
    script.chmod(0o755)
    (tmp_path / "system-packages.txt").write_text("# test list\ncoreutils\nhdms-no-such-package\n")
    result = subprocess.run([*as_user, "bash", str(script)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "HDMS needs these Debian packages: hdms-no-such-package" in result.stderr
    assert "apt-get install --no-install-recommends hdms-no-such-package" in result.stderr
    (tmp_path / "system-packages.txt").write_text("coreutils\n")
    ok = subprocess.run([*as_user, "bash", str(script)],
                        capture_output=True, text=True, timeout=60, check=False)
    assert ok.returncode == 0, ok.stderr
    shutil.rmtree(tmp_path)
