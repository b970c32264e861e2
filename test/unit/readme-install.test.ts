/**
 * The README's install commands after a failed `npm ci`: no node_modules, no dist/. Each command
 * must stop with the instruction to install, and nothing may be fetched from a registry (npx would
 * fetch and run the unrelated registry package named `ablate`). A loopback server stands in for the
 * registry and records every request; the control case shows that it does see what npx fetches.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/** The commands of the README's first shell block under "Install", comments dropped. */
function readmeInstallCommands(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Install'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean).flatMap((l) => l.split('&&').map((c) => c.trim()));
}

let clone: string;
let server: http.Server;
let registry: string;
const requests: string[] = [];

beforeAll(async () => {
  clone = mkdtempSync(path.join(tmpdir(), 'ablate-noinstall-'));
  // The working tree's tracked and new files, as a clone has them: no node_modules, no dist/.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (f === 'node_modules' || f.startsWith('node_modules/') || f.startsWith('dist/') || !existsSync(path.join(repoRoot, f))) continue;
    mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
    copyFileSync(path.join(repoRoot, f), path.join(clone, f));
  }
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(clone, { recursive: true, force: true });
});

function npmEnv(cache: string): Record<string, string> {
  return { npm_config_registry: registry, npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
}

describe('README commands without an install', () => {
  it('the README runs ablate only through this clone', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/^\s*npx ablate/m);
    const commands = readmeInstallCommands(readme);
    expect(commands).toContain('npm ci');
    expect(commands.some((c) => c.startsWith('bin/ablate.js '))).toBe(true);
  });

  it('each command fails saying to install, and nothing is fetched', async () => {
    expect(existsSync(path.join(clone, 'node_modules'))).toBe(false);
    const cache = path.join(clone, '.npm-cache');
    const commands = readmeInstallCommands(readFileSync(path.join(clone, 'README.md'), 'utf8')).filter((c) => c !== 'npm ci');
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      const [file, ...args] = command.split(/\s+/) as [string, ...string[]];
      const r = await execa(file, args, { cwd: clone, env: npmEnv(cache), reject: false, all: true, timeout: 60_000 });
      expect(r.exitCode, command).not.toBe(0);
      expect(r.all, command).toContain(`ablate is not installed in ${clone}`);
      expect(r.all, command).toContain('npm ci');
    }
    expect(requests).toEqual([]);
    expect(existsSync(path.join(cache, '_npx')) ? readdirSync(path.join(cache, '_npx')) : []).toEqual([]);
  });

  it('control: the registry stand-in sees what npx fetches for `npx ablate` outside a clone', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ablate-elsewhere-'));
    try {
      const before = requests.length;
      const r = await execa('npx', ['--yes', 'ablate', '--help'], { cwd: elsewhere, env: npmEnv(path.join(elsewhere, 'cache')), reject: false, all: true, timeout: 60_000 });
      expect(r.exitCode).not.toBe(0);
      expect(requests.slice(before).some((q) => /^GET \/ablate\b/.test(q))).toBe(true);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
