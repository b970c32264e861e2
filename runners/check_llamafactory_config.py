"""Parse a llamafactory.yaml with the installed LLaMA-Factory's own training-argument parser.

    python runners/check_llamafactory_config.py CONFIG.yaml [CONFIG.yaml ...]

Reads the file exactly as `llamafactory-cli train CONFIG.yaml` does (llamafactory.hparams.parser
.read_args: OmegaConf), then runs _parse_train_args (HfArgumentParser.parse_dict with
allow_extra_keys=False, and the dataclasses' __post_init__ checks). Prints one JSON object per
file, one per line: {"file", "ok", "unknown_keys": [...], "error": str|null, "values": {...}, "types"}.
Several files share one process (the import alone takes seconds).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys

os.environ.setdefault("DISABLE_VERSION_CHECK", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def check(path: str) -> dict:
    from llamafactory.hparams.parser import _TRAIN_ARGS, _parse_train_args, read_args

    sys.argv = ["llamafactory-cli", path]
    args = read_args()
    known = {f.name for cls in _TRAIN_ARGS for f in dataclasses.fields(cls) if f.init}
    out: dict = {"file": path, "ok": False, "unknown_keys": sorted(k for k in args if k not in known), "error": None}
    out["values"] = dict(args)
    try:
        parsed = _parse_train_args(dict(args))
        out["ok"] = True
        out["types"] = {k: type(getattr(obj, k)).__name__ for obj in parsed for k in args if hasattr(obj, k)}
    except BaseException as err:  # noqa: BLE001 — report every parser failure as data
        out["error"] = f"{type(err).__name__}: {err}"
    return out


def main() -> int:
    files = sys.argv[1:]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    # LLaMA-Factory logs to stdout: keep stdout for the JSON lines alone.
    results = []
    with contextlib.redirect_stdout(sys.stderr):
        for path in files:
            results.append(check(path))
    for result in results:
        print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
