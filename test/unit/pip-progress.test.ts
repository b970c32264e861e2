/**
 * The Python tools install says what it does while pip is silent: the step, the package being
 * downloaded with its size, bytes in pip's download folder, and the environment's growth while pip
 * installs. A stand-in interpreter (venv + pip shaped, as ensureToolEnv calls them) downloads and
 * installs slowly; the real install is covered by the e2e tier.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureToolEnv } from '../../src/tools/pyenv.js';
import { parseDownloading, progressSink } from '../../src/tools/pipProgress.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'ablate-pipprogress-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STUB = `#!/bin/sh
# Stand-in python: findPython's probe, -m venv, -m pip install (slow download into TMPDIR, slow install into the env).
if [ "$1" = "-c" ]; then
  case "$2" in *ensurepip*) echo "$0"; echo 3.11.9 ;; esac
  exit 0
fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; echo "home = /usr/bin" > "$3/pyvenv.cfg"; exit 0; fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  env_dir=$(dirname "$(dirname "$0")")
  echo "Collecting torch==2.11.0 (from -r requirements.txt (line 10))"
  echo "  Downloading torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl (3.0 MB)"
  for i in 1 2 3; do head -c 1000000 /dev/zero > "$TMPDIR/torch.part$i"; sleep 0.4; done
  echo "Collecting numpy"
  echo "Installing collected packages: numpy, torch"
  mkdir -p "$env_dir/lib"
  for i in 1 2 3 4; do head -c 500000 /dev/zero > "$env_dir/lib/f$i"; sleep 0.4; done
  echo "Successfully installed numpy-2.4.6 torch-2.11.0"
  exit 0
fi
exit 3
`;

describe('Python tools install progress', () => {
  it('parses pip download lines', () => {
    expect(parseDownloading('  Downloading torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl (530.6 MB)')).toEqual({ file: 'torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl', bytes: 530_600_000 });
    expect(parseDownloading('Downloading https://files.example/x/einops-0.8.2-py3-none-any.whl (65 kB)')).toEqual({ file: 'einops-0.8.2-py3-none-any.whl', bytes: 65_000 });
    expect(parseDownloading('Collecting einops')).toBeUndefined();
  });

  it('shows steps, the download with its size and bytes so far, and the install growing, then cleans up', async () => {
    const python = path.join(tmp, 'python3.11');
    writeFileSync(python, STUB);
    chmodSync(python, 0o755);
    const lines: Array<{ line: string; transient: boolean }> = [];
    const cache = path.join(tmp, 'cache');
    const envPath = await ensureToolEnv({
      env: { PATH: process.env.PATH ?? '', ABLATE_PYTHON: python, ABLATE_CACHE: cache },
      heartbeatMs: 150,
      onProgress: (line, o) => lines.push({ line, transient: o?.transient === true }),
    });
    const text = lines.map((l) => l.line).join('\n');
    expect(text).toContain('[1/3] creating the virtual environment');
    expect(text).toContain('[2/3] pip: downloading and installing the pinned packages');
    expect(text).toContain('[3/3] checking that the tools import');
    expect(text).toContain('Downloading torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl (3.0 MB)');
    const beats = lines.filter((l) => l.transient).map((l) => l.line);
    const downloading = beats.filter((b) => b.includes('downloading torch-2.11.0-cp311-cp311-manylinux_2_28_x86_64.whl (3.0 MB)'));
    expect(downloading.length).toBeGreaterThan(0);
    // Bytes really measured in pip's download folder: more than zero before the download finished.
    expect(downloading.some((b) => /, [1-3]\.\d MB in pip's download folder/.test(b))).toBe(true);
    const installing = beats.filter((b) => b.includes('installing 2 packages: environment at'));
    expect(installing.length).toBeGreaterThan(0);
    expect(installing.some((b) => /environment at (0\.[5-9]|[1-2]\.\d) MB/.test(b))).toBe(true);
    expect(text).toMatch(/Python tools installed in \d+ s/);
    // pip's download folder is gone; the env is in place.
    expect(readdirSync(path.dirname(envPath)).filter((n) => n.endsWith('.pip'))).toEqual([]);
    expect(existsSync(path.join(envPath, 'ablate-env.json'))).toBe(true);
  });

  it('a terminal overwrites heartbeats in place; a log keeps each line', () => {
    const out: string[] = [];
    const tty = { isTTY: true, columns: 40, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
    const say = progressSink(tty);
    say('[2/3] pip');
    say('beat one', { transient: true });
    say('beat two that is much longer than forty columns wide', { transient: true });
    say('done');
    expect(out).toEqual(['[2/3] pip\n', '\r\x1b[Kbeat one', '\r\x1b[Kbeat two that is much longer than fort…', '\r\x1b[K', 'done\n']);
    const plain: string[] = [];
    const log = progressSink({ isTTY: false, write: (s: string) => plain.push(s) } as unknown as NodeJS.WriteStream);
    log('beat', { transient: true });
    expect(plain).toEqual(['beat\n']);
  });
});
