/**
 * Issue 9, "Must show": the static HTML dashboard opened in headless Chromium (Debian's `chromium`,
 * driven by playwright-core, which never downloads a browser): every chart draws on its canvas, the
 * cards show the data, nothing is fetched, no console errors, in light and in dark mode; screenshots
 * are saved under test-output/dashboard/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/dashboard/html.js';
import { ROOT } from '../helpers/repo.js';
import { sampleDashboard } from './sample.js';

const OUT = path.join(ROOT, 'test-output', 'dashboard');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the HTML dashboard in headless Chromium', () => {
  let file: string;
  const profiles: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    const { dashboard, series } = await sampleDashboard(new Date('2026-12-06T12:00:00Z'));
    expect(dashboard.total_sessions.value).toBeGreaterThan(10);
    file = path.join(OUT, 'dashboard.html');
    fs.writeFileSync(file, renderHtml({ dashboard, series, source: 'sample org (test/dashboard/sample.ts)' }));
  });

  afterAll(() => {
    for (const p of profiles) fs.rmSync(p, { recursive: true, force: true });
  });

  it.each(['light', 'dark'] as const)('renders every chart with no console error and no request (%s)', async (scheme) => {
    // an empty profile of our own, and the system's Chromium: nothing is downloaded or reused
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-chromium-'));
    profiles.push(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      colorScheme: scheme,
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 20_000 });
    const canvases = await page.$$eval('canvas', (list) =>
      list.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return { id: canvas.id, width: canvas.width, height: canvas.height, painted };
      }),
    );
    expect(canvases.map((c) => c.id)).toEqual(['sessionsChart', 'shareChart', 'modelsChart']);
    for (const c of canvases) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.painted, `${c.id} has drawn pixels`).toBeGreaterThan(500);
    }
    const cards = await page.$$eval('.card h3', (h) => h.map((x) => x.textContent));
    expect(cards).toEqual(['Total sessions', 'Active users', 'AI-assisted PRs', 'AI-authored code', 'Top users', 'Model breakdown']);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe(scheme === 'dark' ? 'rgb(15, 17, 21)' : 'rgb(247, 247, 249)');
    await page.screenshot({ path: path.join(OUT, `dashboard-${scheme}.png`), fullPage: true });
    expect(fs.statSync(path.join(OUT, `dashboard-${scheme}.png`)).size).toBeGreaterThan(20_000);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });
});
