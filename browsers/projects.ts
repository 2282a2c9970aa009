/**
 * Which browser binary each Playwright project uses (BROWSERS.md):
 * 1. an explicit override: STRESS_CHROMIUM_PATH / STRESS_FIREFOX_PATH / STRESS_WEBKIT_PATH;
 * 2. Playwright's own browsers, when `npx playwright install` has put them there;
 * 3. Debian's `/usr/bin/chromium`, and `/usr/bin/firefox-esr` over WebDriver BiDi.
 * WebKit exists only as Playwright's build: without it the project is skipped
 * with one notice (see fixtures/browser-gate.ts).
 */
import fs from 'node:fs'
import { chromium, firefox, webkit, type PlaywrightTestProject } from '@playwright/test'

/**
 * A load generator's pages must not be throttled as background tabs: Playwright
 * launches Chromium with `--disable-background-timer-throttling`; these are
 * Firefox's equivalents (its budget-based throttling delays a background
 * page's timers, which then shows as the stack's latency).
 */
export const firefoxPrefs = {
  'dom.timeout.enable_budget_timer_throttling': false,
  'dom.min_background_timeout_value': 4,
  'dom.min_background_timeout_value_without_budget_throttling': 4
}

/** Flags Chromium needs as root on a closed network (BROWSERS.md). */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'
]

export type BrowserName = 'chromium' | 'firefox' | 'webkit'

export interface ResolvedBrowser {
  name: BrowserName
  /** Where the binary came from, for the report and the setup printout. */
  source: 'env' | 'playwright' | 'system' | 'missing'
  executablePath?: string
  /** `moz-firefox` when a stock Firefox is driven over BiDi. */
  channel?: string
}

const overrideVar: Record<BrowserName, string> = {
  chromium: 'STRESS_CHROMIUM_PATH',
  firefox: 'STRESS_FIREFOX_PATH',
  webkit: 'STRESS_WEBKIT_PATH'
}

const systemPath: Record<BrowserName, string | undefined> = {
  chromium: '/usr/bin/chromium',
  firefox: '/usr/bin/firefox-esr',
  webkit: undefined
}

const bundledPath = (name: BrowserName): string | undefined => {
  try {
    const path = { chromium, firefox, webkit }[name].executablePath()
    return fs.existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

/**
 * @param {BrowserName} name
 * @return {ResolvedBrowser}
 * @throws when an override variable names a file that does not exist
 */
export const resolveBrowser = (name: BrowserName): ResolvedBrowser => {
  const override = process.env[overrideVar[name]]
  if (override !== undefined && override !== '') {
    if (!fs.existsSync(override)) {
      throw new Error(`${overrideVar[name]}=${override} does not exist: point it at the ${name} executable, or unset it to use the default.`)
    }
    return { name, source: 'env', executablePath: override, channel: name === 'firefox' && !override.includes('ms-playwright') ? 'moz-firefox' : undefined }
  }
  if (bundledPath(name) !== undefined) return { name, source: 'playwright' }
  const system = systemPath[name]
  if (system !== undefined && fs.existsSync(system)) {
    return { name, source: 'system', executablePath: system, channel: name === 'firefox' ? 'moz-firefox' : undefined }
  }
  return { name, source: 'missing' }
}

/** The line printed when WebKit is skipped. */
export const webkitMissingNotice = 'webkit: skipped, Playwright\'s WebKit is not installed here. Run `npx playwright install --with-deps webkit` to test it.'

/**
 * One project per browser, each launching the resolved binary.
 * @param {Partial<PlaywrightTestProject>} common fields every project shares (testDir, grep...)
 */
export const browserProjects = (common: Partial<PlaywrightTestProject> = {}): PlaywrightTestProject[] =>
  (['chromium', 'firefox', 'webkit'] as const).map(name => {
    const resolved = resolveBrowser(name)
    const launchOptions = name === 'chromium'
      ? { executablePath: resolved.executablePath, args: chromiumArgs }
      : name === 'firefox'
        ? { executablePath: resolved.executablePath, firefoxUserPrefs: firefoxPrefs }
        : { executablePath: resolved.executablePath }
    return {
      ...common,
      name,
      metadata: { browserSource: resolved.source, executablePath: resolved.executablePath ?? null },
      use: {
        ...(common.use ?? {}),
        browserName: name,
        channel: resolved.channel,
        launchOptions
      }
    }
  })
