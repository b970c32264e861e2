import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

describe('npx ablate', () => {
  it('--help prints the help and nothing on stderr (no npm config warnings from the project .npmrc)', async () => {
    const r = await execa('npx', ['--no-install', 'ablate', '--help'], { cwd: repoRoot, reject: false, env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ablate/);
    expect(r.stderr).toBe('');
  });
});
