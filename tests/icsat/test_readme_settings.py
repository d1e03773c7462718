"""The README's variable tables name every environment variable icsat reads.

settings.py (and the test settings) are parsed, not imported: every ``env.<kind>("NAME")``,
``env("NAME")``, ``_sso_setting("NAME")``, ``os.environ[...]``/``.get``/``os.getenv`` call
counts. So do the ICSAT_* variables read by any Python module, the Docker entrypoint and
the Compose file's ``${NAME}``. A variable added without a README row fails here.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
SETTINGS_READERS = {"_sso_setting"}  # settings.py's helpers that take a variable's name
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git"}


def documented_variables(readme: str) -> set[str]:
    """Every `NAME` in the first column of a table headed ``| variable | default | meaning |``."""
    names: set[str] = set()
    in_table = False
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        if [c.lower() for c in cells[:3]] == ["variable", "default", "meaning"]:
            in_table = True
            continue
        if in_table:
            names.update(n for n in re.findall(r"`([^`]+)`", cells[0]) if NAME.match(n))
    return names


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _reads_environment(func: ast.Attribute) -> bool:
    """env.str/int/bool/list/db/email_url(...), os.environ.get/setdefault/pop(...), os.getenv."""
    owner = func.value
    if isinstance(owner, ast.Name):
        return owner.id == "env" or (owner.id == "os" and func.attr == "getenv")
    return _is_os_environ(owner) and func.attr in {"get", "setdefault", "pop"}


def variables_read(source: str) -> set[str]:
    """The environment variables a Python module reads (by a literal name)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
        if not isinstance(node, ast.Call):
            continue
        func, name = node.func, _first_string(node)
        if name is None:
            continue
        by_name = isinstance(func, ast.Name) and func.id in {"env", *SETTINGS_READERS}
        if by_name or (isinstance(func, ast.Attribute) and _reads_environment(func)):
            names.add(name)
    return {name for name in names if NAME.match(name)}


def shell_variables(text: str) -> set[str]:
    """``${NAME}``, ``${NAME:-default}``, ``${NAME:?message}`` in a shell script or Compose file."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def test_readme_lists_every_variable_the_settings_read():
    documented = documented_variables((ROOT / "README.md").read_text())
    read = set()
    for module in ("icsat/settings.py", "icsat/settings_test.py"):
        read |= variables_read((ROOT / module).read_text())
    assert {"TIME_ZONE", "DATABASE_URL", "ICSAT_MIN_RESPONSES", "ICSAT_OIDC_ISSUER"} <= read
    assert read - documented == set(), (
        "add these to a README table `| variable | default | meaning |`"
    )


def test_readme_lists_every_icsat_variable_read_anywhere():
    documented = documented_variables((ROOT / "README.md").read_text())
    read = set()
    for path in python_files():
        read |= {n for n in variables_read(path.read_text()) if n.startswith("ICSAT_")}
    for path in (ROOT / "docker" / "entrypoint.sh", ROOT / "docker-compose.yml"):
        read |= shell_variables(path.read_text())
    assert {"ICSAT_TEST_REDIS_DB", "ICSAT_MIGRATE", "ICSAT_PORT"} <= read
    assert read - documented == set(), (
        "add these to a README table `| variable | default | meaning |`"
    )


def test_an_unlisted_variable_is_caught():
    source = (
        'import os\nX = env.int("ICSAT_NEW_LIMIT", default=3)\nY = env("PLAIN")\n'
        'Z = os.environ.get("FROM_OS")\nW = os.environ["INDEXED"]\n'
        'V = _sso_setting("ICSAT_SSO_X")\n'
        "U = env.str(name)\n"
    )
    assert variables_read(source) == {
        "ICSAT_NEW_LIMIT",
        "PLAIN",
        "FROM_OS",
        "INDEXED",
        "ICSAT_SSO_X",
    }
    readme = (
        "| variable | default | meaning |\n|---|---|---|\n| `PLAIN` / `FROM_OS` | 1 | x |\n\n"
        "| `INDEXED` | after the table ended | not counted |\n"
    )
    assert documented_variables(readme) == {"PLAIN", "FROM_OS"}
