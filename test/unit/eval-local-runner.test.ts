/**
 * runners/local_eval.py's pass/fail decision and sandboxing, with given completions (`--completions`
 * needs only the Python standard library, so this runs in the fast tier).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const runner = path.join(repoRoot, 'runners/local_eval.py');

const python = await execa('python3', ['--version'], { reject: false }).then((r) => (r.exitCode === 0 ? 'python3' : undefined), () => undefined);
if (!python && process.env.CI) throw new Error('python3 is required for the local evaluator tests in CI');

const work = mkdtempSync(path.join(tmpdir(), 'ablate-local-eval-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const problem = (id: string) => ({
  task_id: id,
  prompt: 'def add(a, b):\n    """Return a + b."""\n',
  entry_point: 'add',
  test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n',
});

async function score(completions: Record<string, string>, extra: string[] = []): Promise<Record<string, string>> {
  const ids = Object.keys(completions);
  const problems = path.join(work, `problems-${ids.length}-${Date.now()}.jsonl`);
  writeFileSync(problems, ids.map((id) => `${JSON.stringify(problem(id))}\n`).join(''));
  const given = `${problems}.completions.jsonl`;
  writeFileSync(given, ids.map((id) => `${JSON.stringify({ task_id: id, completion: completions[id] })}\n`).join(''));
  const out = `${problems}.result.json`;
  const run = await execa(python as string, [runner, '--problems', problems, '--completions', given, '--out', out, ...extra], { reject: false });
  expect(run.exitCode, run.stderr).toBe(0);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { problems: Array<{ id: string; status: string; passed: boolean }> };
  for (const p of result.problems) expect(p.passed).toBe(p.status === 'pass');
  return Object.fromEntries(result.problems.map((p) => [p.id, p.status]));
}

describe.skipIf(!python)('local_eval.py scoring', () => {
  it('passes a correct body and fails a wrong one', async () => {
    expect(await score({ ok: '    return a + b\n', wrong: '    return a - b\n', crash: '    raise ValueError\n' })).toEqual({ ok: 'pass', wrong: 'fail', crash: 'fail' });
  });

  it('fails a program that exits with code 0 before its tests ran (sys.exit, exit(), os._exit)', async () => {
    expect(
      await score({
        sys_exit: '    return a - b\nimport sys\nsys.exit(0)\n',
        builtin_exit: '    return a - b\nexit()\n',
        os_exit: '    return a - b\nimport os\nos._exit(0)\n',
        // Printing something is not passing either.
        prints: '    return a - b\nprint("ok")\nimport sys\nsys.exit(0)\n',
      }),
    ).toEqual({ sys_exit: 'fail', builtin_exit: 'fail', os_exit: 'fail', prints: 'fail' });
  });

  it('runs tests without network access', async () => {
    const connect = '    import socket\n    socket.create_connection(("127.0.0.1", 9), timeout=1)\n    return a + b\n';
    const raw = '    import socket\n    s = socket.socket()\n    s.connect(("127.0.0.1", 9))\n    return a + b\n';
    const dns = '    import socket\n    socket.getaddrinfo("localhost", 80)\n    return a + b\n';
    // Without the guard the refused connections (or the lookup) would still reach the network stack; with it they raise.
    const offline = '    import socket\n    try:\n        socket.socket().connect(("127.0.0.1", 9))\n    except OSError as e:\n        assert "network access is disabled" in str(e)\n        return a + b\n';
    expect(await score({ connect, raw, dns, offline })).toEqual({ connect: 'fail', raw: 'fail', dns: 'fail', offline: 'pass' });
  });

  it('on a timeout kills what the test program started too', async () => {
    const pidFile = path.join(work, 'grandchild.pid');
    const spawn = [
      '    import subprocess, sys',
      `    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])`,
      `    open(${JSON.stringify(pidFile)}, "w").write(str(p.pid))`,
      '    import time',
      '    time.sleep(120)',
      '',
    ].join('\n');
    const t0 = Date.now();
    expect(await score({ spawn }, ['--timeout', '2'])).toEqual({ spawn: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    let alive = true;
    for (let i = 0; i < 20 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  }, 90_000);

  it('cuts the decoded prompt off the decoded output (decoding new tokens alone loses a SentencePiece leading space)', async () => {
    // A tokenizer that, like Llama's SentencePiece decoder, drops the leading space of what it decodes.
    const code = [
      'import sys',
      `sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'runners'))})`,
      'from local_eval import completion_text',
      'VOCAB = {1: "def f():\\n", 2: "    return 1"}',
      'class Tok:',
      '    def decode(self, ids, skip_special_tokens=True):',
      '        text = "".join(VOCAB[i] for i in ids)',
      '        return text[1:] if text.startswith(" ") else text',
      'print(repr(completion_text(Tok(), [1], [1, 2])))',
    ].join('\n');
    const run = await execa(python as string, ['-c', code]);
    expect(run.stdout.trim()).toBe("'    return 1'");
  });
});
