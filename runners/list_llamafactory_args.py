"""List the arguments the installed LLaMA-Factory accepts, for ablate's train-args check.

Regenerate schemas/llamafactory-args.json after changing the llamafactory pin:

    ENV=$(node -e "import('./dist/tools/pyenv.js').then(m=>m.toolEnvPath()).then(console.log)")
    DISABLE_VERSION_CHECK=1 $ENV/bin/python runners/list_llamafactory_args.py --out schemas/llamafactory-args.json

(or any env with the pinned llamafactory: `ablate tools` prints its path).

The keys are the init fields of the HfArgumentParser dataclasses `llamafactory-cli train` parses
(ModelArguments, DataArguments, TrainingArguments, FinetuningArguments, GeneratingArguments), read
the same way llamafactory.hparams.parser does. `templates` lists the registered chat templates:
the parser accepts any string there and only fails (or silently falls back) later.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import enum
import json
import math
import os
import sys
import types
import typing
from importlib import metadata

os.environ.setdefault("DISABLE_VERSION_CHECK", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def describe_type(tp: typing.Any) -> dict[str, typing.Any]:
    """Map a field's annotation to {type, choices?, nullable?} with type a '|'-joined set of kinds."""
    kinds: list[str] = []
    choices: list[typing.Any] = []
    nullable = False

    def visit(t: typing.Any) -> None:
        nonlocal nullable
        origin = typing.get_origin(t)
        if t is type(None):
            nullable = True
        elif origin in (typing.Union, types.UnionType):
            for arg in typing.get_args(t):
                visit(arg)
        elif origin is typing.Literal:
            for value in typing.get_args(t):
                if value is None:
                    nullable = True
                elif isinstance(value, bool):
                    add("bool")
                else:
                    choices.append(value)
                    add("enum")
        elif isinstance(t, type) and issubclass(t, enum.Enum):
            choices.extend(member.value for member in t)
            add("enum")
        elif t is bool:
            add("bool")
        elif t is int:
            add("int")
        elif t is float:
            add("float")
        elif t is str:
            add("str")
        elif t in (list, tuple) or origin in (list, tuple):
            add("list")
        elif t is dict or origin is dict:
            add("dict")
        else:
            add("object")

    def add(kind: str) -> None:
        if kind not in kinds:
            kinds.append(kind)

    visit(tp)
    # `SomeEnum | str` is converted to the enum in __post_init__: only the enum's values pass.
    if "enum" in kinds and "str" in kinds:
        kinds.remove("str")
    out: dict[str, typing.Any] = {"type": "|".join(kinds) or "object"}
    if choices:
        out["choices"] = sorted(dict.fromkeys(choices), key=str)
    if nullable:
        out["nullable"] = True
    return out


def json_default(field: dataclasses.Field) -> tuple[bool, typing.Any]:
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        value = field.default_factory()  # type: ignore[misc]
    else:
        return False, None
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, float) and not math.isfinite(value):
        return False, None
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False, None
    return True, value


def collect() -> dict[str, typing.Any]:
    from llamafactory.hparams import (
        DataArguments,
        FinetuningArguments,
        GeneratingArguments,
        ModelArguments,
        TrainingArguments,
    )
    from llamafactory.data.template import TEMPLATES

    args: dict[str, typing.Any] = {}
    for cls in (ModelArguments, DataArguments, TrainingArguments, FinetuningArguments, GeneratingArguments):
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            # HfArgumentParser.parse_dict only accepts init fields.
            if not field.init or field.name in args:
                continue
            entry = describe_type(hints.get(field.name, field.type))
            has_default, default = json_default(field)
            if has_default:
                entry["default"] = default
            entry["group"] = cls.__name__
            args[field.name] = dict(sorted(entry.items()))
    return {
        "llamafactory_version": metadata.version("llamafactory"),
        "generated_by": "runners/list_llamafactory_args.py",
        "args": dict(sorted(args.items())),
        "templates": sorted(TEMPLATES.keys()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output JSON file (default: stdout)")
    opts = parser.parse_args()
    # LLaMA-Factory logs to stdout while importing; keep stdout for the JSON alone.
    with contextlib.redirect_stdout(sys.stderr):
        data = collect()
    text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, allow_nan=False) + "\n"
    if opts.out:
        tmp = f"{opts.out}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, opts.out)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
