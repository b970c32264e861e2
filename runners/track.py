"""Sends ablate's tracking records to MLflow or Weights & Biases with their own maintained clients.

ablate decides WHAT is logged (src/track/: the content of `ablate results --format json`, only what
a tracker has not received yet); this runner only delivers it. One job on stdin, JSON:

  {"tracker": "mlflow", "mlflow": {"uri": ..., "experiment": ...},
   "runs": [{"key": <ablate run id>, "id": <tracker run id or null: create>, "name": ...,
             "tags": {k: str}, "params": {k: str}, "metrics": {k: float},
             "artifacts": [{"file": <absolute path>, "dir": <folder in the run>}],
             "status": null | "RUNNING" | "FINISHED" | "FAILED" | "KILLED"}]}
  {"tracker": "wandb", "wandb": {"project", "entity", "mode", "dir", "group"}, "runs": [...]}

Prints one JSON line last: {"ids": {<ablate run id>: <tracker run id>}}. Exit 1 with the reason on
stderr when a tracker refuses (unreachable server, unknown run); what was sent before stays sent.
"""
import json
import os
import shutil
import sys


def chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i : i + n]


def run_mlflow(job):
    import time

    from mlflow.entities import Metric, Param, RunStatus, RunTag
    from mlflow.tracking import MlflowClient

    cfg = job["mlflow"]
    client = MlflowClient(tracking_uri=cfg["uri"])
    exp = client.get_experiment_by_name(cfg["experiment"])
    exp_id = exp.experiment_id if exp is not None else client.create_experiment(cfg["experiment"])
    ids = {}
    for r in job["runs"]:
        run_id = r.get("id")
        if run_id is None:
            run_id = client.create_run(exp_id, run_name=r["name"], tags=r.get("tags") or {}).info.run_id
        else:
            # A resumed run: it must exist (a deleted run is not silently replaced by a new one).
            client.get_run(run_id)
            if r.get("tags"):
                for batch in chunks(list(r["tags"].items()), 100):
                    client.log_batch(run_id, tags=[RunTag(k, v) for k, v in batch])
        ids[r["key"]] = run_id
        now = int(time.time() * 1000)
        for batch in chunks(list((r.get("params") or {}).items()), 100):
            client.log_batch(run_id, params=[Param(k, v) for k, v in batch])
        # Evaluation scores have no training step: step 0, as MLflow logs a metric without one.
        for batch in chunks(list((r.get("metrics") or {}).items()), 1000):
            client.log_batch(run_id, metrics=[Metric(k, float(v), now, 0) for k, v in batch])
        for a in r.get("artifacts") or []:
            client.log_artifact(run_id, a["file"], a.get("dir") or None)
        status = r.get("status")
        if status == "RUNNING":
            client.update_run(run_id, status="RUNNING")
        elif status:
            client.set_terminated(run_id, RunStatus.to_string(RunStatus.from_string(status)))
    return ids


def wandb_tags(r, cfg):
    """W&B tags are short labels (64 characters): the axis values and the spec's name. Every
    key=value tag also goes into the run's config."""
    tags = [f"{k[len('axis.'):]}={v}"[:64] for k, v in r["tags"].items() if k.startswith("axis.")]
    if cfg.get("group"):
        tags.append(cfg["group"][:64])
    return tags


def run_wandb(job):
    import wandb
    from wandb.sdk.lib import runid

    cfg = job["wandb"]
    ids = {}
    for r in job["runs"]:
        run_id = r.get("id") or runid.generate_id()
        settings = wandb.Settings(silent=True, console="off", x_disable_stats=True, disable_git=True, save_code=False)
        run = wandb.init(
            project=cfg["project"],
            entity=cfg.get("entity"),
            mode=cfg.get("mode") or "online",
            dir=cfg["dir"],
            group=cfg.get("group"),
            id=run_id,
            resume="allow",
            name=r["name"],
            tags=wandb_tags(r, cfg) if r.get("tags") else None,
            settings=settings,
        )
        ids[r["key"]] = run.id
        # Flat keys (ablate.run_id, axis.<path>, train.args.lr, ...): an offline resume starts with an
        # empty config, so a nested dict would replace what an earlier process wrote.
        if r.get("tags") or r.get("params"):
            run.config.update({**(r.get("tags") or {}), **(r.get("params") or {})}, allow_val_change=True)
        if r.get("metrics"):
            run.summary.update({k: float(v) for k, v in r["metrics"].items()})
        for a in r.get("artifacts") or []:
            # A copy inside the run's files folder: saved as is (a file outside would be symlinked).
            dest_dir = os.path.join(run.dir, a.get("dir") or "")
            os.makedirs(dest_dir, exist_ok=True)
            dest = os.path.join(dest_dir, os.path.basename(a["file"]))
            shutil.copyfile(a["file"], dest)
            run.save(dest, base_path=run.dir, policy="now")
        status = r.get("status")
        run.finish(exit_code=1 if status in ("FAILED", "KILLED") else 0)
    return ids


def main():
    job = json.load(sys.stdin)
    tracker = job.get("tracker")
    if tracker == "mlflow":
        ids = run_mlflow(job)
    elif tracker == "wandb":
        ids = run_wandb(job)
    else:
        print(f"unknown tracker {tracker!r}", file=sys.stderr)
        sys.exit(2)
    sys.stdout.write(json.dumps({"ids": ids}) + "\n")


if __name__ == "__main__":
    main()
