"""Check that .ci/oldest-constraints.txt pins exactly the declared lower bounds.

Every runtime dependency in pyproject.toml's [project] dependencies must be
pinned (``name==X``) and declared as ``name>=X`` with the same X; a pinned
package of the test extra must be declared there with the same lower bound.
Run from the repository root: ``python .ci/check_oldest_pins.py``.
"""

import re
import sys
import tomllib

CONSTRAINTS = ".ci/oldest-constraints.txt"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bounds(requirements):
    """{name: X} for each ``name>=X`` requirement (None if it has no ``>=``)."""
    bounds = {}
    for req in requirements:
        name = re.match(r"[A-Za-z0-9._-]+", req).group(0)
        found = re.search(r">=\s*([^,;\s]+)", req)
        bounds[canonical(name)] = found.group(1) if found else None
    return bounds


def main():
    with open("pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    runtime = lower_bounds(project["dependencies"])
    test = lower_bounds(project.get("optional-dependencies", {}).get("test", []))
    pins = {}
    with open(CONSTRAINTS) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                name, _, version = line.partition("==")
                pins[canonical(name)] = version.strip()
    errors = []
    for name, bound in runtime.items():
        if pins.get(name) != bound:
            errors.append(f"{name}: pyproject.toml declares >={bound}, "
                          f"{CONSTRAINTS} pins {pins.get(name, 'nothing')}")
    for name, pin in pins.items():
        if name not in runtime and name in test and test[name] != pin:
            errors.append(f"{name}: the test extra declares >={test[name]}, "
                          f"{CONSTRAINTS} pins {pin}")
    for error in errors:
        print(error, file=sys.stderr)
    if not errors:
        print(f"{CONSTRAINTS} pins the declared lower bounds: "
              + ", ".join(f"{name}=={pin}" for name, pin in pins.items()))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
