import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { wantsVerboseVersion } from '../../src/cli/version.js';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('ablate --version', () => {
  it('prints the package version alone', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(version);
    }
  });

  it('--verbose adds Node, the Python env and the harness (an env that is missing says so)', async () => {
    const env = { ABLATE_PYTHON_ENV: path.join(repoRoot, 'no-such-env'), ABLATE_BIGCODE_HARNESS: '' };
    const r = await runCli(['--version', '--verbose'], { env });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`ablate ${version}`);
    expect(lines[1]).toBe(`node          ${process.versions.node}`);
    expect(r.stdout).toMatch(/^python env +.*no-such-env \(ABLATE_PYTHON_ENV\): not a virtual environment/m);
    expect(r.stdout).toMatch(/^llamafactory +-$/m);
    expect(r.stdout).toMatch(/^bigcode +not configured/m);
  });

  it('--verbose counts only before a command name', () => {
    expect(wantsVerboseVersion(['--verbose', '--version'])).toBe(true);
    expect(wantsVerboseVersion(['-V', '--verbose'])).toBe(true);
    expect(wantsVerboseVersion(['--version'])).toBe(false);
    expect(wantsVerboseVersion(['plan', 'x.yaml', '--verbose', '--version'])).toBe(false);
  });
});
