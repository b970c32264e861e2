import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ENV_MARKER, ensureToolEnv, envTool, pythonBin, toolEnvStatus } from '../../src/tools/pyenv.js';
import { toolsInfo } from '../../src/tools/toolsInfo.js';

// Builds the managed env from PyPI when it is not cached yet (~2-3 min here, 6.3 GB on disk);
// with ABLATE_PYTHON_ENV set it checks that env instead.
describe('managed Python tool env', () => {
  it('is created (or reused) and its console scripts run after the atomic rename', async (ctx) => {
    const t0 = Date.now();
    const lines: string[] = [];
    let envPath: string;
    try {
      envPath = await ensureToolEnv({ onProgress: (l) => lines.push(l) });
    } catch (err) {
      // Without PyPI or Python 3.11 the tier cannot run here; in CI that is a failure.
      if (process.env.CI) throw err;
      return ctx.skip(`Python tool env unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
    const seconds = (Date.now() - t0) / 1000;
    console.log(`ensureToolEnv: ${seconds.toFixed(1)} s (${lines.length} progress lines) → ${envPath}`);
    const status = await toolEnvStatus();
    expect(status.present).toBe(true);
    expect(status.path).toBe(envPath);
    if (status.source === 'managed') {
      const marker = JSON.parse(await readFile(path.join(envPath, ENV_MARKER), 'utf8')) as { pinHash: string };
      expect(marker.pinHash).toBe(status.pinHash);
      expect(lines.length === 0 || lines.some((l) => /GB/.test(l))).toBe(true);
    }
    expect(existsSync(pythonBin(envPath))).toBe(true);
    // The console script's shebang must point at the final folder, not the temporary build folder.
    const version = await execa(envTool(envPath, 'llamafactory-cli'), ['version'], { env: { DISABLE_VERSION_CHECK: '1' } });
    expect(version.stdout).toMatch(/version 0\.9\.5/);
    const info = await toolsInfo();
    console.log(`tools: ${JSON.stringify(info.packages)}`);
    expect(info.packages).toMatchObject({ llamafactory: '0.9.5', evalplus: '0.3.1' });
    if (status.source === 'managed') expect(info.packages).toMatchObject({ torch: '2.11.0', transformers: '5.6.0' });
    const again = Date.now();
    expect(await ensureToolEnv()).toBe(envPath);
    expect(Date.now() - again).toBeLessThan(2000);
  });
});
