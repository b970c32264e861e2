import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCompletion } from '../../src/exec/cache.js';
import { executeSlurm, queryJobStates, readSubmissions, sbatchScript, shellQuote, type SlurmCli } from '../../src/exec/slurm.js';
import { collectStatus } from '../../src/exec/status.js';
import { makePlan, tempDir } from './exec-fixtures.js';
import { fakeSlurm } from './slurm-fake.js';

const fakeCluster = () => fakeSlurm(100);

describe('sbatch scripts', () => {
  it('carry the spec settings, per-stage GPUs, the shared job name, and run ablate stage-exec', () => {
    const plan = makePlan('/res', { runs: 1, trainGpus: 2, experiment: 'rq2' });
    const trn = plan.stages.get('trn0000')!;
    const s = sbatchScript(plan, trn, { partition: 'gpu', time: '12:00:00', gres: 'gpu:a100', cpus_per_task: 8, mem: '64G', account: 'lab', qos: 'high', directives: ['--constraint=a100'], setup: ['module load cuda/12'] }, ['/usr/bin/node', '/opt/ablate/bin/ablate.js', 'stage-exec', '--spec', '/specs/my spec.yaml', '--stage', 'trn0000']);
    expect(s).toContain('#SBATCH --job-name=ablate-rq2\n');
    expect(s).toContain('#SBATCH --comment=train/trn0000/run0000\n');
    expect(s).toContain('#SBATCH --output=/res/stages/train/trn0000/ablate-slurm-%j.out\n');
    for (const d of ['--partition=gpu', '--time=12:00:00', '--gres=gpu:a100:2', '--cpus-per-task=8', '--mem=64G', '--account=lab', '--qos=high', '--constraint=a100']) expect(s).toContain(`#SBATCH ${d}\n`);
    expect(s.indexOf('module load cuda/12')).toBeLessThan(s.indexOf('exec '));
    expect(s).toContain("exec /usr/bin/node /opt/ablate/bin/ablate.js stage-exec --spec '/specs/my spec.yaml' --stage trn0000\n");
    const mat = plan.stages.get('mat0000')!;
    expect(sbatchScript(plan, mat, { gres: 'gpu:a100' }, ['x'])).not.toContain('--gres');
    expect(sbatchScript(plan, trn, {}, ['x'])).toContain('#SBATCH --gres=gpu:2\n');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('SLURM submission (stand-in cluster)', () => {
  it('chains dependencies, skips done stages, and never resubmits a queued stage', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 2, materializeShared: 1 });
    await writeCompletion(plan.stages.get('mat0000')!, { startedAt: new Date(), finishedAt: new Date(), executor: 'local' });
    const c = fakeCluster();
    const s = await executeSlurm(plan, { cli: c.cli, detach: true, jobCommand: () => ['true'] });
    expect(s.submitted).toBe(4);
    const sb = c.calls.filter(([cmd]) => cmd === 'sbatch').map(([, a]) => a);
    // The done dataset gets no job; the two trainings are one job array without dependencies; the two
    // evaluations another, submitted held while each element gets its own training as dependency.
    expect(sb).toHaveLength(2);
    expect(sb[0]!.slice(0, 2)).toEqual(['--parsable', '--array=0-1']);
    expect(sb[0]!.at(-1)).toMatch(/slurm\/arrays\/exec-test-train-[0-9a-f]{12}\.sh$/);
    expect(sb[1]!.slice(0, 4)).toEqual(['--parsable', '--array=0-1', '--hold', '--kill-on-invalid-dep=yes']);
    const rest = c.calls.filter(([cmd]) => cmd !== 'sbatch' && cmd !== 'squeue').map(([cmd, a]) => [cmd, ...a].join(' '));
    expect(rest).toEqual(['scontrol update JobId=101_0 Dependency=afterok:100_0', 'scontrol update JobId=101_1 Dependency=afterok:100_1', 'scontrol release 101']);
    const array = readFileSync(sb[0]!.at(-1)!, 'utf8');
    expect(array).toContain(`SCRIPTS=(${path.join(root, 'stages/train/trn0000/ablate-slurm.sh')} ${path.join(root, 'stages/train/trn0001/ablate-slurm.sh')})`);
    expect(existsSync(path.join(root, 'stages/train/trn0000/ablate-slurm.sh'))).toBe(true);
    expect(readSubmissions(plan).jobs['trn0000']?.[0]).toMatchObject({ jobId: '100_0', dependsOn: [] });
    expect(readSubmissions(plan).jobs['evl0001-humaneval']?.[0]).toMatchObject({ jobId: '101_1', dependsOn: ['100_1'] });
    const again = await executeSlurm(plan, { cli: c.cli, detach: true, jobCommand: () => ['true'] });
    expect(again.submitted).toBe(0);
    // A failed job is resubmitted, and its waiting dependents too when their old jobs died with it.
    c.jobs.get('100_0')!.state = 'FAILED';
    c.jobs.get('101_0')!.state = 'CANCELLED';
    const third = await executeSlurm(plan, { cli: c.cli, detach: true, jobCommand: () => ['true'] });
    expect(third.submitted).toBe(2);
    expect(c.calls.filter(([cmd]) => cmd === 'sbatch').at(-1)).toEqual(['sbatch', ['--parsable', '--dependency=afterok:102', '--kill-on-invalid-dep=yes', path.join(root, 'stages/eval/evl0000-humaneval/ablate-slurm.sh')]]);
    expect(JSON.parse(readFileSync(path.join(root, 'slurm', 'exec-test.json'), 'utf8')).jobs['trn0000']).toHaveLength(2);
  });

  it('a job array runs at most execute.slurm.max_running elements at once (%N); equal dependencies go to sbatch', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 3, materializeShared: 1 });
    const c = fakeCluster();
    await executeSlurm(plan, { cli: c.cli, detach: true, settings: { max_running: 2 }, jobCommand: () => ['true'] });
    const sb = c.calls.filter(([cmd]) => cmd === 'sbatch').map(([, a]) => a);
    // One dataset (a single job), three trainings waiting on it (one array, the shared dependency on sbatch), three evaluations.
    expect(sb.map((a) => a.filter((x) => x.startsWith('--array') || x.startsWith('--dependency') || x === '--hold'))).toEqual([[], ['--array=0-2%2', '--dependency=afterok:100'], ['--array=0-2%2', '--hold']]);
    expect(c.calls.filter(([cmd, a]) => cmd === 'scontrol' && a[0] === 'update')).toHaveLength(3);
  });

  it('asks squeue once for the whole sweep and scontrol only for jobs squeue no longer lists', async () => {
    const c = fakeCluster();
    c.jobs.set('7', { state: 'RUNNING', reason: 'None', script: '/x.sh' });
    const st = await queryJobStates(c.cli, 'ablate-x', ['7', '8']);
    expect(c.calls.map(([cmd]) => cmd)).toEqual(['squeue', 'scontrol']);
    expect(c.calls[0]![1]).toContain('--name=ablate-x');
    expect(st.get('7')?.state).toBe('RUNNING');
    expect(st.get('8')?.state).toBe('GONE');
  });

  it('status falls back to completion records when SLURM is not installed here', async () => {
    const root = tempDir();
    const plan = makePlan(root, { runs: 1 });
    const c = fakeCluster();
    await executeSlurm(plan, { cli: c.cli, detach: true, jobCommand: () => ['true'] });
    await writeCompletion(plan.stages.get('mat0000')!, { startedAt: new Date(), finishedAt: new Date(), executor: 'slurm' });
    const missing: SlurmCli = async (cmd) => ({ stdout: '', stderr: `${cmd}: command not found`, exitCode: 127 });
    const st = await collectStatus(plan, { slurmCli: missing });
    expect(st.slurm?.note).toMatch(/squeue is not installed/);
    expect(st.runs[0]!.stages.map((x) => x.state)).toEqual(['done', 'pending', 'pending']);
    await expect(executeSlurm(plan, { cli: missing, detach: true })).rejects.toThrow(/squeue is not installed/);
  });

  it('refuses a stage wider than gpus_per_node before submitting it', async () => {
    const plan = makePlan(tempDir(), { runs: 1, trainGpus: 8 });
    const c = fakeCluster();
    const s = await executeSlurm(plan, { cli: c.cli, detach: true, settings: { gpus_per_node: 4 }, jobCommand: () => ['true'] });
    expect(s.failures[0]?.error).toMatch(/needs 8 GPU\(s\) per node but execute.slurm.gpus_per_node is 4/);
    expect(c.calls.filter(([cmd]) => cmd === 'sbatch')).toHaveLength(1);
  });
});
