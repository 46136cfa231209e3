// Browser-test support: Debian's Chromium (never a downloaded browser) driven by playwright-core
// against the whole platform listening on a real socket, and an axe-core accessibility audit
// whose failure message says what is wrong and where.
import type { AddressInfo } from 'node:net';
import axe from 'axe-core';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** Debian's package; CHROMIUM_PATH overrides it for machines that keep Chromium elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface BrowserHarness {
  platform: TestPlatform;
  browser: Browser;
  /** `http://localhost:<port>`: browsers accept the platform's Secure cookies over http only on localhost. */
  baseUrl: string;
  /** A fresh browser profile (its own cookies) with JavaScript OFF unless the options say otherwise. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** One platform (fresh database, synthetic population) on a real port, and one headless Chromium. */
export async function startBrowserHarness(options: { residents?: number } = {}): Promise<BrowserHarness> {
  const [platformResult, browserResult] = await Promise.allSettled([startTestPlatform(options), launchChromium()]);
  if (platformResult.status === 'rejected' || browserResult.status === 'rejected') {
    if (platformResult.status === 'fulfilled') await platformResult.value.close();
    if (browserResult.status === 'fulfilled') await browserResult.value.close();
    throw platformResult.status === 'rejected' ? platformResult.reason : (browserResult as PromiseRejectedResult).reason;
  }
  const platform = platformResult.value;
  const browser = browserResult.value;
  try {
    await platform.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await browser.close();
    await platform.close();
    throw error;
  }
  const { port } = platform.app.server.address() as AddressInfo;
  const baseUrl = `http://localhost:${port}`;
  const contexts: BrowserContext[] = [];
  return {
    platform,
    browser,
    baseUrl,
    async newContext(contextOptions = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        javaScriptEnabled: false,
        locale: 'ko-KR',
        viewport: { width: 1280, height: 900 },
        ...contextOptions,
      });
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close().catch(() => undefined);
      await platform.close();
    },
  };
}

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; summary: string }>;
}

export interface AxeReport {
  url: string;
  violations: AxeFinding[];
  /** '' when there are no violations; otherwise one readable paragraph per rule. */
  summary: string;
  /** How many rules passed: a sanity check that the audit really ran against a styled page. */
  passed: number;
  /** Rules axe could not decide (for example contrast over a background image), for a human to review. */
  incomplete: Array<{ id: string; targets: string[] }>;
}

interface AxeWindow {
  axe?: typeof axe;
  document: axe.ElementContext;
}

interface Twin {
  page: Page;
  /** Documents to serve, by URL, for the next navigation of the twin page. */
  documents: Map<string, string>;
  /** Audits run one at a time on the shared twin page. */
  queue: Promise<unknown>;
}

const twins = new WeakMap<Browser, Promise<Twin>>();

/** One JavaScript-enabled page per browser with axe preloaded into every document it opens. */
function twinFor(browser: Browser): Promise<Twin> {
  let twin = twins.get(browser);
  if (!twin) {
    twin = (async () => {
      const context = await browser.newContext({ javaScriptEnabled: true });
      // An init script is injected by the browser itself, before the document's own scripts and
      // regardless of its Content-Security-Policy; sent once, it costs nothing per audit.
      await context.addInitScript({ content: axe.source });
      const page = await context.newPage();
      const documents = new Map<string, string>();
      await page.route(
        (url) => documents.has(url.href),
        (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: documents.get(route.request().url()) ?? '' }),
      );
      return { page, documents, queue: Promise.resolve() };
    })();
    twins.set(browser, twin);
  }
  return twin;
}

/**
 * Audits the page as it is now with axe-core (WCAG 2.x A and AA rules).
 *
 * axe needs script timers, and pages under test run with JavaScript disabled, where Chromium runs
 * no timers at all. So the audit loads the very same DOM (the page's serialised HTML, served at
 * the page's own URL so its stylesheet and relative links resolve the same way) into a
 * JavaScript-enabled twin page with the same viewport, where axe is loaded, and runs axe there.
 * This works for pages that answer a POST too: only sub-resources are requested again.
 */
export async function axeAudit(page: Page): Promise<AxeReport> {
  const url = page.url();
  const markup = await page.content();
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  const browser = page.context().browser();
  if (!browser) throw new Error('axeAudit needs a page from a launched browser');
  const twin = await twinFor(browser);
  const audit = twin.queue.then(async () => {
    twin.documents.set(url, markup);
    try {
      await twin.page.setViewportSize(viewport);
      // Via about:blank, so a URL that differs only in its #fragment still loads afresh.
      await twin.page.goto('about:blank');
      await twin.page.goto(url, { waitUntil: 'load' });
    } finally {
      twin.documents.delete(url);
    }
    const outcome = await twin.page.evaluate(async (tags: string[]) => {
      const win = globalThis as unknown as AxeWindow;
      if (!win.axe) throw new Error('axe-core did not load into the page');
      const results = await win.axe.run(win.document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
      const targetOf = (target: axe.UnlabelledFrameSelector) => target.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join(' >>> ');
      const violations = results.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: targetOf(n.target), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
      }));
      const incomplete = results.incomplete.map((r) => ({ id: r.id, targets: r.nodes.map((n) => targetOf(n.target)) }));
      return { violations, incomplete, passed: results.passes.length };
    }, WCAG_TAGS);
    return { url, ...outcome, summary: summarise(url, outcome.violations) };
  });
  twin.queue = audit.catch(() => undefined);
  return audit;
}

function summarise(url: string, violations: AxeFinding[]): string {
  if (violations.length === 0) return '';
  const lines = [`${violations.length} axe violation(s) on ${url}:`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact ?? 'unknown impact'}] ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes.slice(0, 10)) lines.push(`    at ${node.target}: ${node.summary}`);
    if (v.nodes.length > 10) lines.push(`    … and ${v.nodes.length - 10} more element(s)`);
  }
  return lines.join('\n');
}

/** The page is in `locale` and axe finds no WCAG 2.2 A/AA violation on it. */
export async function expectAccessible(page: Page, locale: 'ko' | 'en'): Promise<void> {
  expect(await page.locator('html').getAttribute('lang')).toBe(locale);
  const report = await axeAudit(page);
  expect(report.violations.length, report.summary).toBe(0);
  expect(report.passed, 'axe passed hardly any rules: did it run on the real page?').toBeGreaterThan(10);
  if (report.incomplete.length && process.env.AXE_VERBOSE === '1') console.info(`${report.url}: needs review`, report.incomplete);
}

/** Confirms the chosen person on the simulated authenticator's page and returns to OnceGov. */
async function confirmAndContinue(page: Page, person: string, landing: string): Promise<void> {
  await page.locator('select#person').selectOption(person);
  await page.locator('form[action$="/authorize"] button[type="submit"]').click();
  await page.locator('form[action="/sign-in/callback"] button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === landing);
}

/** Signs in with the simulated Kakao authenticator as its first demo person; returns the resident id. */
export async function signInAsFirstResident(page: Page): Promise<number> {
  await page.goto('/sign-in?lang=ko');
  await page.locator('form:has(input[name="authenticator"][value="kakao"]) button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/simulated-authenticators/kakao/authorize');
  const value = (await page.locator('select#person option').first().getAttribute('value')) ?? '';
  await confirmAndContinue(page, value, '/me');
  return Number(/^resident:(\d+)$/.exec(value)?.[1]);
}

/** Signs in with the simulated GPKI as a demo official, operator or auditor; lands on the agreements console. */
export async function signInAsStaff(page: Page, staffId: string): Promise<void> {
  await page.goto('/sign-in?returnTo=%2Fconsole%2Fagreements');
  await page.locator('form:has(input[name="authenticator"][value="gpki"]) button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/simulated-authenticators/gpki/authorize');
  await confirmAndContinue(page, `staff:${staffId}`, '/console/agreements');
}
