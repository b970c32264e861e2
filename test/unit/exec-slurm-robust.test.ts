/**
 * The SLURM executor when things go wrong: an unreachable slurmctld, a controller killed between sbatch
 * and recording the job, jobs that left the queue without accounting, spec values that are not plain.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AblateError } from '../../src/errors.js';
import { writeCompletion } from '../../src/exec/cache.js';
import { cancelSlurm, executeSlurm, pollBounds, queryJobStates, readSubmissions, sbatchDirective, sbatchScript, submissionsPath, SlurmQueryError, type SlurmCli } from '../../src/exec/slurm.js';
import { collectStatus } from '../../src/exec/status.js';
import { tryLock } from '../../src/exec/lock.js';
import type { ExecEvent } from '../../src/exec/types.js';
import { makePlan, tempDir } from './exec-fixtures.js';
import { fakeSlurm } from './slurm-fake.js';

const cluster = () => fakeSlurm(500);

const detached = { detach: true, jobCommand: () => ['true'] } as const;

describe('SLURM executor under failure', () => {
  it('an unreachable slurmctld is an error, never "the jobs are gone": nothing is resubmitted', async () => {
    const plan = makePlan(tempDir(), { runs: 2 });
    const c = cluster();
    expect((await executeSlurm(plan, { cli: c.cli, ...detached })).submitted).toBe(6);
    // Three waves (datasets, trainings, evaluations), each one job array of two.
    expect(c.sbatches()).toBe(3);
    c.goDown(100);
    await expect(queryJobStates(c.cli, 'ablate-exec-test', ['500'])).rejects.toBeInstanceOf(SlurmQueryError);
    await expect(executeSlurm(plan, { cli: c.cli, ...detached })).rejects.toThrow(/squeue failed.*Socket timed out/);
    expect(c.jobCount()).toBe(6);
    // status still answers, from the completion records, and says why.
    const st = await collectStatus(plan, { slurmCli: c.cli });
    expect(st.slurm?.note).toMatch(/not reachable/);
  });

  it('scontrol errors other than "invalid job id" do not count as the job being gone', async () => {
    const c = cluster();
    let n = 0;
    const flaky: SlurmCli = async (cmd, args) => (cmd === 'scontrol' && n++ === 0 ? { stdout: '', stderr: 'Unable to contact slurm controller (connect failure)', exitCode: 1 } : c.cli(cmd, args));
    await expect(queryJobStates(flaky, 'x', ['9'])).rejects.toThrow(/scontrol show job 9 failed/);
    expect((await queryJobStates(flaky, 'x', ['9'])).get('9')?.state).toBe('GONE');
    // An element of a job array SLURM forgot is "not found" (as scontrol 22.05 says it), not an error.
    const arrayGone: SlurmCli = async (cmd, args) => (cmd === 'scontrol' ? { stdout: '', stderr: `Job ${args[2]} not found\n`, exitCode: 1 } : c.cli(cmd, args));
    expect((await queryJobStates(arrayGone, 'x', ['177_0'])).get('177_0')?.state).toBe('GONE');
  });

  it('a job submitted by a controller killed before it recorded the job is adopted, not submitted twice', async () => {
    const plan = makePlan(tempDir(), { runs: 2 });
    const c = cluster();
    await executeSlurm(plan, { cli: c.cli, ...detached });
    // The kill came after the last sbatch but before the submissions file was written.
    const file = readSubmissions(plan);
    const lost = Object.keys(file.jobs).slice(-3);
    for (const id of lost) delete file.jobs[id];
    writeFileSync(submissionsPath(plan), JSON.stringify(file));
    const again = await executeSlurm(plan, { cli: c.cli, ...detached });
    expect(again.submitted).toBe(0);
    expect(c.jobCount()).toBe(6);
    const adopted = readSubmissions(plan);
    expect(Object.values(adopted.jobs).flat()).toHaveLength(6);
    for (const id of lost) expect(adopted.jobs[id]?.[0]?.script).toBe(path.join(plan.stages.get(id)!.dir, 'ablate-slurm.sh'));
    // cancel finds them too.
    for (const id of lost) delete adopted.jobs[id];
    writeFileSync(submissionsPath(plan), JSON.stringify(adopted));
    expect((await cancelSlurm(plan, c.cli)).sort()).toEqual([...c.jobs.keys()].sort());
  });

  it('a job that left the queue without a completion record failed; its dependents are skipped (accounting off)', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    const c = cluster();
    await executeSlurm(plan, { cli: c.cli, ...detached });
    c.jobs.clear(); // past MinJobAge: neither squeue nor scontrol knows them
    const st = await collectStatus(plan, { slurmCli: c.cli });
    const [mat, trn, evl] = st.runs[0]!.stages;
    expect(mat!.state).toBe('failed');
    expect(mat!.reason).toMatch(/left the queue without writing a completion record/);
    expect(trn!.state).toBe('skipped');
    expect(trn!.reason).toMatch(/dependency never succeeded: materialize mat0000/);
    expect(evl!.state).toBe('skipped');
    // A controller following the jobs reports the failure (exit 1), instead of ending with "pending".
    const following = executeSlurm(plan, { cli: c.cli, jobCommand: () => ['true'], pollMs: 5 });
    await new Promise((r) => setTimeout(r, 30));
    expect(c.sbatches()).toBe(6); // the gone chain resubmitted once, not again on every poll
    c.jobs.clear();
    const followed = await following;
    expect(followed.failed).toBeGreaterThan(0);
    expect(followed.runs[0]!.state).toBe('failed');
  });

  it('following survives a few failed polls and backs off between 40 s and 180 s by default', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const c = cluster();
    const run = executeSlurm(plan, { cli: c.cli, jobCommand: () => ['true'], pollMs: 5 });
    await new Promise((r) => setTimeout(r, 30));
    c.goDown(3);
    for (const s of plan.stages.values()) await writeCompletion(s, { startedAt: new Date(), finishedAt: new Date(), executor: 'slurm' });
    for (const j of c.jobs.values()) j.state = 'COMPLETED';
    const summary = await run;
    expect(summary.failed).toBe(0);
    expect(summary.runs[0]!.state).toBe('done');
    expect(pollBounds()).toEqual({ minPoll: 40_000, maxPoll: 180_000 });
    expect(pollBounds({ pollMs: 300 })).toEqual({ minPoll: 300, maxPoll: 1350 });
  });

  it('while following, scontrol is asked once about a job that left the queue, not on every poll', async () => {
    const plan = makePlan(tempDir(), { runs: 2 });
    const c = cluster();
    const run = executeSlurm(plan, { cli: c.cli, jobCommand: () => ['true'], pollMs: 5 });
    await new Promise((r) => setTimeout(r, 20));
    const jobOf = (id: string): string => readSubmissions(plan).jobs[id]![0]!.jobId;
    const gone = ['mat0000', 'trn0000', 'evl0000-humaneval'].map(jobOf);
    for (const id of gone) c.jobs.delete(id);
    await new Promise((r) => setTimeout(r, 150));
    for (const id of ['mat0001', 'trn0001', 'evl0001-humaneval']) await writeCompletion(plan.stages.get(id)!, { startedAt: new Date(), finishedAt: new Date(), executor: 'slurm' });
    for (const j of c.jobs.values()) j.state = 'COMPLETED';
    const summary = await run;
    expect(summary.runs.map((r) => r.state)).toEqual(['failed', 'done']);
    const squeues = c.calls.filter(([cmd]) => cmd === 'squeue').length;
    expect(squeues).toBeGreaterThan(3);
    for (const id of gone) expect(c.calls.filter(([cmd, a]) => cmd === 'scontrol' && a.includes(id)).length).toBeLessThanOrEqual(1);
  });

  it('--force: the old completion record does not make the new, still queued job look done', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    const old = new Date(Date.now() - 60_000);
    for (const s of plan.stages.values()) await writeCompletion(s, { startedAt: old, finishedAt: old, executor: 'slurm' });
    const c = cluster();
    let finished = false;
    const following = executeSlurm(plan, { cli: c.cli, jobCommand: () => ['true'], pollMs: 5, force: ['train'] }).then((x) => ((finished = true), x));
    await new Promise((r) => setTimeout(r, 60));
    // The forced training and the evaluation computed from it.
    expect(c.sbatches()).toBe(2);
    expect(finished).toBe(false);
    const st = await collectStatus(plan, { slurmCli: c.cli });
    expect(st.runs[0]!.stages.map((x) => x.state)).toEqual(['done', 'submitted', 'submitted']);
    // The jobs run and write their new records.
    for (const id of ['trn0000', 'evl0000-humaneval']) await writeCompletion(plan.stages.get(id)!, { startedAt: new Date(), finishedAt: new Date(Date.now() + 1000), executor: 'slurm' });
    for (const j of c.jobs.values()) j.state = 'COMPLETED';
    const summary = await following;
    expect(summary.runs[0]!.state).toBe('done');
    expect(summary.ran).toBe(2);
  });

  it('a forced stage whose submission failed holds back its dependents (they would read its old output)', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    for (const s of plan.stages.values()) await writeCompletion(s, { startedAt: new Date(), finishedAt: new Date(), executor: 'slurm' });
    const c = cluster();
    c.failScripts.add(path.join(plan.stages.get('mat0000')!.dir, 'ablate-slurm.sh'));
    const s = await executeSlurm(plan, { cli: c.cli, ...detached, force: ['materialize', 'train'] });
    expect(s.failures.map((f) => f.id)).toContain('mat0000');
    expect(c.sbatches()).toBe(1);
  });
});

describe('SLURM submit lock', () => {
  it('a second controller says who holds the submit lock while it waits, and submits once it is free', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    const held = tryLock(path.join(plan.resultsRoot, 'slurm', `${plan.experiment}.lock`), 'ablate run (slurm submit)');
    if (!('release' in held)) throw new Error('lock not taken');
    const c = cluster();
    const events: ExecEvent[] = [];
    const second = executeSlurm(plan, { cli: c.cli, ...detached, onEvent: (e) => events.push(e) });
    await new Promise((r) => setTimeout(r, 100));
    expect(c.sbatches()).toBe(0);
    expect(events.find((e) => e.type === 'waiting')).toMatchObject({ lock: 'the SLURM submissions of exec-test', holder: expect.stringMatching(/^ablate run \(slurm submit\) \(pid \d+ on /) });
    held.release();
    expect((await second).submitted).toBe(3);
  });
});

describe('sbatch directives from the spec', () => {
  it('a value with spaces, quotes, # or $(...) stays inside its option; a line break is refused', () => {
    expect(sbatchDirective('--partition=gpu', 'p')).toBe('--partition=gpu');
    expect(sbatchDirective('--comment=a b # "c" $(x)', 'p')).toBe('"--comment=a b # \\"c\\" $(x)"');
    const plan = makePlan('/res', { runs: 1 });
    const trn = plan.stages.get('trn0000')!;
    for (const settings of [{ partition: 'debug\ntouch /tmp/pwned' }, { directives: ['--constraint=a\r\nrm -rf ~'] }, { mem: '1G\n' }]) {
      const err = (() => {
        try {
          sbatchScript(plan, trn, settings, ['true']);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(AblateError);
      expect((err as AblateError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(/^execute\.slurm\.(partition|directives|mem): .*line break/);
    }
  });

  it('the script bash runs holds no spec value outside a comment or a quoted argument', () => {
    const root = tempDir('ablate exec $(touch pwned) #x ');
    const plan = makePlan(root, { runs: 1 });
    const trn = plan.stages.get('trn0000')!;
    mkdirSync(trn.dir, { recursive: true });
    const marker = path.join(root, 'pwned');
    const script = sbatchScript(plan, trn, { partition: `a b $(touch ${marker})`, directives: ['--constraint="x"'] }, ['/bin/echo', `$(touch ${marker})`, "it's"]);
    expect(script).toContain(`#SBATCH "--output=${root}/stages/train/trn0000/ablate-slurm-%j.out"\n`);
    const file = path.join(trn.dir, 'ablate-slurm.sh');
    writeFileSync(file, script);
    const r = spawnSync('bash', [file], { encoding: 'utf8', cwd: root });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`$(touch ${marker}) it's\n`);
    expect(existsSync(marker)).toBe(false);
    // Every command substitution in the script on disk is a comment or inside single quotes, where bash expands nothing.
    const unquoted = (line: string): number => {
      let single = false;
      let double = false;
      let found = 0;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (ch === '\\' && !single) i++;
        else if (ch === "'" && !double) single = !single;
        else if (ch === '"' && !single) double = !double;
        else if (ch === '$' && line[i + 1] === '(' && !single) found++;
      }
      return found;
    };
    const carrying = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('$(touch'));
    expect(carrying.filter((l) => !l.startsWith('#')).length).toBeGreaterThanOrEqual(2);
    for (const line of carrying) if (!line.startsWith('#')) expect(unquoted(line), line).toBe(0);
    expect(unquoted(`echo "$(touch x)"`)).toBe(1);
    rmSync(root, { recursive: true, force: true });
  });
});
