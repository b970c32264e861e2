/**
 * The HTML report opened in a real browser (Debian's chromium, headless): it must render without
 * console or page errors, fetch nothing, and show its charts. A screenshot is kept for a human look.
 * Install the browser with scripts/install-chromium.sh.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { resultsFromPlan } from '../../src/results/aggregate.js';
import { writeReport } from '../../src/report/html.js';
import { validateSpec } from '../../src/spec/validate.js';
import { makeFixture, type Fixture } from '../unit/results-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let fx: Fixture | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

describe('ablate report in headless Chromium', () => {
  it('renders without errors or network requests, with SVG charts; screenshot saved', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      const reason = `${CHROMIUM} not found; install it with scripts/install-chromium.sh`;
      if (process.env.CI) throw new Error(reason);
      ctx.skip(reason);
      return;
    }
    fx = await makeFixture();
    const view = resultsFromPlan(fx.plan, { spec: validateSpec(fx.specFile).spec });
    const file = await writeReport(view);
    expect(file).toBe(path.join(fx.resultsRoot, 'experiments', 'fixture', 'report.html'));
    const html = readFileSync(file, 'utf8');
    // Self-contained: no scripts, no external references.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const url = pathToFileURL(file).href;
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });

    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(requests).toEqual([]);

    // humaneval + mbpp pass@1 and train loss, each against complexity; training curves; complexity histograms.
    const ids = await page.$$eval('figure', (fs) => fs.map((f) => f.id));
    expect(ids).toEqual(
      expect.arrayContaining(['chart-humaneval-pass-1-by-data-filter-complexity-keep', 'chart-mbpp-pass-1-by-data-filter-complexity-keep', 'chart-train-loss-by-data-filter-complexity-keep', 'chart-training-curves', 'chart-complexity']),
    );
    for (const id of ids) {
      const box = await page.locator(`#${id} svg`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(150);
      // Marks drawn: points/lines of the data, not just empty axes.
      expect(await page.locator(`#${id} svg .mark-symbol path, #${id} svg .mark-line path, #${id} svg .mark-rect path`).count(), id).toBeGreaterThan(0);
    }
    const text = await page.locator('#results table').first().innerText();
    expect(text).toContain('45.00 ± 7.07 (n=2)');
    expect(text).toContain('+17.50');
    expect(await page.locator('#statistics').innerText()).toContain('[+5.00, +35.00]');
    expect(await page.locator('#reference').innerText()).toContain('Table 3');
    expect(await page.locator('#datacards').innerText()).toContain('complexity is concentrated in one bin');
    expect(await page.locator('#provenance').innerText()).toContain('a1b2c3d4e5f60718');
    // Provenance on hover.
    expect(await page.locator('#results td[title*="result.json"]').count()).toBeGreaterThan(0);

    const shots = mkdtempSync(path.join(tmpdir(), 'ablate-report-shot-'));
    const shot = path.join(shots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    copyFileSync(file, path.join(shots, 'report.html'));
    console.log(`report screenshot: ${shot}`);
  });
});
