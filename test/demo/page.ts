// Opens the built demo in Debian's headless Chromium (never a downloaded browser) and records
// what must never happen: console errors and warnings (the page's and its Workers'), uncaught
// page errors, failed or 4xx/5xx requests.
// One browser per test file (`useDemo()` in a describe); a fresh page per `open`.
import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright';

const CHROMIUM = process.env.DESCENT_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface DemoPage {
  page: Page;
  /** Console errors and warnings, page errors and failed requests, in order. */
  problems: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The hash (without #): the state to open with. */
  hash?: string;
  width?: number;
  height?: number;
  /** Another page to open instead of the built demo (the dev server's, say). */
  url?: string;
}

export function useDemo(): { open(o?: OpenOptions): Promise<DemoPage>; url: string } {
  let browser: Browser;
  const url = inject('demoUrl');
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    url,
    async open(o: OpenOptions = {}) {
      const context = await browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      // ERR_ABORTED is a request the page dropped itself (a navigation away, a terminated
      // Worker): site.test.ts leaves each page mid-load, which under load caught a kernel fetch.
      page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`); });
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
      const base = o.url ?? url;
      await page.goto(o.hash ? `${base}#${o.hash}` : base);
      await page.waitForSelector('[role=tab][aria-selected=true]');
      return { page, problems, close: () => context.close() };
    },
  };
}

/** The playground's status line figures (data-step, data-loss), once they satisfy `until`. */
export async function readStatus(page: Page, selector: string, until: (s: { step: number; loss: number }) => boolean = () => true, timeout = 20_000): Promise<{ step: number; loss: number }> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const s = await page.$eval(selector, (e) => ({ step: Number((e as HTMLElement).dataset.step), loss: Number((e as HTMLElement).dataset.loss) }));
    if (Number.isFinite(s.step) && until(s)) return s;
    if (Date.now() > deadline) throw new Error(`${selector} never satisfied the condition; last ${JSON.stringify(s)}`);
    await page.waitForTimeout(50);
  }
}

/** The panels' ids in tab order, read from the page (so checks cover whatever panels exist). */
export async function panelIds(page: Page): Promise<string[]> {
  return page.$$eval('[role=tab]', (tabs) => tabs.map((t) => (t.getAttribute('aria-controls') ?? '').replace(/^panel-/, '')));
}

/** Clicks a panel's tab and waits until its section is shown. */
export async function showPanel(page: Page, id: string): Promise<void> {
  await page.click(`#tab-${id}`);
  await page.waitForSelector(`#panel-${id}:not([hidden])`);
}

/**
 * How far the page overflows the viewport sideways (0 when it does not), with the widest
 * offending elements named so a failure says what to fix.
 */
export async function horizontalOverflow(page: Page): Promise<{ overflow: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const culprits: string[] = [];
    for (const e of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.right <= width + 0.5 || !e.checkVisibility()) continue;
      // Inside a box that scrolls (or clips) sideways on its own and fits the screen: the page
      // itself does not scroll (a wide table in an overflow-x: auto region).
      let contained = false;
      for (let a = e.parentElement; a && a !== document.body && !contained; a = a.parentElement) {
        contained = /^(auto|scroll|hidden|clip)$/.test(getComputedStyle(a).overflowX) && a.getBoundingClientRect().right <= width + 0.5;
      }
      if (contained) continue;
      culprits.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().replace(/\s+/g, '.')}` : ''} right=${Math.round(r.right)}`);
    }
    return { overflow: Math.max(0, root.scrollWidth - width, document.body.scrollWidth - width), culprits: culprits.slice(0, 8) };
  });
}

/**
 * Presses the panel's play button (`button[name=play]`) once the panel is ready: every step
 * counter in it (`[data-step]`, the playground's status line) shows a number, i.e. its Worker has
 * built the network (a play sent before that may be lost). Playwright's click also waits for the
 * button to be enabled. False when the panel has no play button.
 */
export async function pressPlay(page: Page, id: string, timeout = 30_000): Promise<boolean> {
  const play = page.locator(`#panel-${id} button[name=play]`);
  if ((await play.count()) === 0) return false;
  await page.waitForFunction((id) => Array.from(document.querySelectorAll<HTMLElement>(`#panel-${id} [data-step]`)).every((e) => e.dataset.step !== '' && Number.isFinite(Number(e.dataset.step))), id, { timeout });
  if (id === 'playground') await page.waitForSelector('#pg-status[data-step]', { timeout });
  await play.first().click({ timeout });
  return true;
}
