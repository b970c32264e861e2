/**
 * Scaling pieces of the SLURM executor without a cluster: multi-node batch scripts, per-kind resources,
 * requeue directives, the rendezvous and rank markers, and the follower noticing records within seconds.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCompletion } from '../../src/exec/cache.js';
import { executeLocal } from '../../src/exec/local.js';
import { announceLaunch, awaitLaunch, awaitRanks, portForJob, rendezvousEnv, rendezvousFromSlurm, reportRankSuccess } from '../../src/exec/ranks.js';
import { executeSlurm, sbatchScript, type SlurmCli } from '../../src/exec/slurm.js';
import type { ExecEvent } from '../../src/exec/types.js';
import { makePlan, tempDir } from './exec-fixtures.js';
import { fakeSlurm } from './slurm-fake.js';

describe('multi-node and per-kind batch scripts', () => {
  it('a 2-node training asks for 2 nodes, one task each, and starts every rank through srun; resources override execute.slurm', () => {
    const plan = makePlan('/res', { runs: 1, trainGpus: 4 });
    const trn = { ...plan.stages.get('trn0000')!, nodes: 2, resources: { time: '2-00:00:00', mem: '400G', directives: ['--exclusive'] } };
    const s = sbatchScript(plan, trn, { time: '1:00:00', mem: '8G', partition: 'gpu', directives: ['--constraint=a100'] }, ['/usr/bin/node', '/a/bin/ablate.js', 'stage-exec', '--stage', 'trn0000']);
    for (const d of ['--nodes=2', '--ntasks-per-node=1', '--gres=gpu:4', '--time=2-00:00:00', '--mem=400G', '--partition=gpu', '--constraint=a100', '--exclusive', '--requeue', '--signal=B:USR1@120']) expect(s).toContain(`#SBATCH ${d}\n`);
    expect(s).not.toContain('--time=1:00:00');
    expect(s).toContain('\nexec srun --kill-on-bad-exit=1 --nodes=2 --ntasks-per-node=1 /usr/bin/node /a/bin/ablate.js stage-exec --stage trn0000\n');
    // One node: no srun, and requeue can be turned off.
    const one = sbatchScript(plan, plan.stages.get('trn0000')!, { requeue: false }, ['x']);
    expect(one).not.toMatch(/srun|--nodes|--requeue|--signal/);
  });

  it('stages with different resources are not put into one job array', async () => {
    const plan = makePlan(tempDir(), { runs: 3, materializeShared: 1 });
    plan.stages.get('trn0002')!.resources = { time: '3:00:00' };
    const c = fakeSlurm();
    await executeSlurm(plan, { cli: c.cli, detach: true, jobCommand: () => ['true'] });
    const arrays = c.calls.filter(([cmd]) => cmd === 'sbatch').map(([, a]) => a.find((x) => x.startsWith('--array')) ?? 'single');
    // dataset (single), trainings 0+1 (array of 2), training 2 (single, other time limit), evaluations (array of 3)
    expect(arrays.sort()).toEqual(['--array=0-1', '--array=0-2', 'single', 'single']);
  });

  it('the local executor refuses a multi-node stage, naming it and what to do', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    plan.stages.get('trn0000')!.nodes = 2;
    const noop = async (): Promise<void> => {};
    await expect(executeLocal(plan, { materialize: noop, train: noop, eval: noop }, {})).rejects.toThrow(/train trn0000 runs on 2 nodes \(train\.nodes\): the local executor runs on one host; use --executor slurm/);
  });
});

describe('rendezvous from SLURM', () => {
  const cli: SlurmCli = async (cmd, args) => {
    if (cmd === 'scontrol' && args[1] === 'hostnames') return { stdout: 'gpu-a17\ngpu-a18\n', stderr: '', exitCode: 0 };
    if (cmd === 'scontrol' && args[1] === 'node') return { stdout: `NodeName=${args[2]} Arch=x86_64\n   NodeAddr=10.1.2.17 NodeHostName=${args[2]}\n`, stderr: '', exitCode: 0 };
    return { stdout: '', stderr: 'unexpected', exitCode: 1 };
  };
  it('master = the first node of the job (its NodeAddr), port from the job id, rank = SLURM_PROCID', async () => {
    const plan = makePlan('/res', { runs: 1 });
    const trn = { ...plan.stages.get('trn0000')!, nodes: 2 };
    const env = { SLURM_JOB_ID: '123456', SLURM_PROCID: '1', SLURM_JOB_NODELIST: 'gpu-a[17-18]', SLURM_RESTART_COUNT: '2' };
    const r = await rendezvousFromSlurm(trn, env, cli);
    expect(r).toEqual({ nnodes: 2, rank: 1, masterAddr: '10.1.2.17', masterPort: portForJob('123456'), attempt: '123456.2' });
    expect(portForJob('123456')).toBe(29500 + 3456);
    expect(rendezvousEnv(r!)).toEqual({ NNODES: '2', NODE_RANK: '1', MASTER_ADDR: '10.1.2.17', MASTER_PORT: String(29500 + 3456) });
    expect(await rendezvousFromSlurm(plan.stages.get('trn0000')!, env, cli)).toBeUndefined();
    await expect(rendezvousFromSlurm(trn, { SLURM_JOB_ID: '1' }, cli)).rejects.toThrow(/must run inside its SLURM job, started on every node by srun/);
  });

  it('rank 0 waits for every other rank of this attempt; a marker of an earlier (requeued) attempt does not count', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const r = { nnodes: 3, rank: 0, masterAddr: 'a', masterPort: 1, attempt: '9.1' };
    reportRankSuccess(dir, 1, '9.1');
    reportRankSuccess(dir, 2, '9.0');
    await expect(awaitRanks(dir, r, undefined, 600)).rejects.toThrow(/not every rank of the 3-node run reported success.*ablate-rank-2\.json missing for attempt 9\.1/);
    setTimeout(() => reportRankSuccess(dir, 2, '9.1'), 300);
    await expect(awaitRanks(dir, r, undefined, 5000)).resolves.toBeUndefined();
    // Ranks > 0 wait for rank 0's launch of this attempt, and learn whether there is anything to join.
    const waiting = awaitLaunch(dir, '9.1', undefined, 5000);
    announceLaunch(dir, '9.0');
    setTimeout(() => announceLaunch(dir, '9.1', false), 300);
    await expect(waiting).resolves.toBe(false);
  });
});

describe('following without polling storms', () => {
  it('with a 40 s squeue poll, a stage whose job wrote its record is reported done within about a second', async () => {
    const plan = makePlan(tempDir(), { runs: 1 });
    const c = fakeSlurm();
    const events: Array<ExecEvent & { at: number }> = [];
    const run = executeSlurm(plan, { cli: c.cli, jobCommand: () => ['true'], onEvent: (e) => events.push({ ...e, at: Date.now() }) });
    await new Promise((r) => setTimeout(r, 300));
    const squeuesBefore = c.calls.filter(([cmd]) => cmd === 'squeue').length;
    const written: Record<string, number> = {};
    for (const id of ['mat0000', 'trn0000', 'evl0000-humaneval']) {
      await writeCompletion(plan.stages.get(id)!, { startedAt: new Date(), finishedAt: new Date(), executor: 'slurm' });
      written[id] = Date.now();
      await new Promise((r) => setTimeout(r, 400));
    }
    for (const j of c.jobs.values()) j.state = 'COMPLETED';
    const summary = await run;
    expect(summary.runs[0]!.state).toBe('done');
    for (const id of Object.keys(written)) {
      const done = events.find((e) => e.type === 'stage-done' && e.id === id)!;
      expect(done.at - written[id]!).toBeLessThan(2500);
    }
    // Seen from the records, with at most a couple of extra squeue calls (one soon after a record), not one per second.
    expect(c.calls.filter(([cmd]) => cmd === 'squeue').length - squeuesBefore).toBeLessThanOrEqual(3);
    expect(path.isAbsolute(plan.stages.get('mat0000')!.dir)).toBe(true);
  });
});
