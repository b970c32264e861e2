"""Shared helpers of the quickstart sample generator: a record list and checks that run the code."""
import contextlib
import io
import sqlite3
import textwrap

RECORDS = []


def add(category, instruction, output, input="", check=None, sql_setup=None):
    """One hand-written record. `check` is Python run after the output (for Python answers);
    `sql_setup` builds tables in SQLite so the SQL answer is executed for real."""
    RECORDS.append({
        "category": category,
        "instruction": textwrap.dedent(instruction).strip(),
        "input": textwrap.dedent(input).strip(),
        "output": textwrap.dedent(output).strip("\n"),
        "check": textwrap.dedent(check).strip() if check else None,
        "sql_setup": textwrap.dedent(sql_setup).strip() if sql_setup else None,
    })


def code_block(out):
    """The code of an answer: its ``` fenced blocks joined (the whole answer when it has none)."""
    if "```" not in out:
        return out
    blocks = out.split("```")[1::2]
    return "\n".join(b.split("\n", 1)[1] if "\n" in b else b for b in blocks)


def sql_blocks(out):
    return [b.split("\n", 1)[1] for b in out.split("```")[1::2] if b.startswith("sql")]


def run_checks():
    failures = []
    for i, r in enumerate(RECORDS):
        try:
            if r["check"]:
                scope = {}
                with contextlib.redirect_stdout(io.StringIO()):  # examples may print
                    exec(code_block(r["output"]), scope)
                    exec(r["check"], scope)
            if r["sql_setup"]:
                db = sqlite3.connect(":memory:")
                db.executescript(r["sql_setup"])
                for query in sql_blocks(r["output"]):
                    if not db.execute(query).fetchall():
                        raise AssertionError("query returned no rows")
        except Exception as e:  # noqa: BLE001 - report every failing record
            failures.append(f"record {i} ({r['instruction'][:60]!r}): {type(e).__name__}: {e}")
    return failures
