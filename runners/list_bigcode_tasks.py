"""Print the task names a bigcode-evaluation-harness clone registers (its ALL_TASKS) as JSON.

Usage: python list_bigcode_tasks.py HARNESS_DIR

The task modules import optional metric packages (evaluate, nltk, ...) at import time. Listing
names needs none of them, so packages that are missing are replaced by empty stand-ins for this
one import; nothing from them is called.
"""

import importlib.abc
import importlib.util
import json
import subprocess
import sys
import types


class _Placeholder(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


class _PlaceholderFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves placeholders for the named top-level packages (and their submodules)."""

    def __init__(self):
        self.placeholders = set()

    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in self.placeholders:
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return _Placeholder(spec.name)

    def exec_module(self, module):
        pass


def import_all_tasks(finder):
    """Imports ALL_TASKS, replacing each missing package by a placeholder until the import succeeds."""
    for _ in range(50):
        try:
            from bigcode_eval.tasks import ALL_TASKS

            return list(ALL_TASKS)
        except ModuleNotFoundError as error:
            if not error.name or error.name.split(".")[0] == "bigcode_eval":
                raise
            finder.placeholders.add(error.name.split(".")[0])
            for loaded in [m for m in sys.modules if m.split(".")[0] == "bigcode_eval"]:
                del sys.modules[loaded]
    raise RuntimeError("too many missing packages while importing bigcode_eval.tasks")


def harness_commit(harness_dir):
    try:
        out = subprocess.run(
            ["git", "-C", harness_dir, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    if len(sys.argv) != 2:
        print("usage: list_bigcode_tasks.py HARNESS_DIR", file=sys.stderr)
        return 2
    harness_dir = sys.argv[1]
    sys.path.insert(0, harness_dir)
    finder = _PlaceholderFinder()
    sys.meta_path.insert(0, finder)
    tasks = import_all_tasks(finder)
    json.dump(
        {"commit": harness_commit(harness_dir), "tasks": tasks, "stubbed": sorted(finder.placeholders)},
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
