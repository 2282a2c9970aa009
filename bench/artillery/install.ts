/**
 * Artillery, installed on demand into a cache folder this benchmark owns
 * (never into the project's node_modules), so `npm run setup` and CI stay
 * lean. The versions are pinned: the comparison is against these.
 *
 * @module bench/artillery/install
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

export const artilleryVersion = '2.0.21'
/** Artillery 2.0.21 bundles engine 1.18; the newer engine installed beside it is the one its runner loads (checked below). */
export const engineVersion = '1.30.0'

const cacheRoot = process.env.XDG_CACHE_HOME !== undefined && process.env.XDG_CACHE_HOME !== '' ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache')
export const artilleryDir = path.join(cacheRoot, 'syncstorm', `artillery-${artilleryVersion}-engine-${engineVersion}`)

export interface Artillery {
  /** The `artillery` CLI. */
  bin: string
  /** The engine's Playwright, for the report. */
  playwrightVersion: string
}

const versionOf = (file: string): string | undefined => {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

/** What is installed in `dir`, or why it is not usable. */
const inspect = (dir: string): Artillery | string => {
  const modules = path.join(dir, 'node_modules')
  const bin = path.join(modules, '.bin', 'artillery')
  if (!fs.existsSync(bin)) return 'not installed'
  if (versionOf(path.join(modules, 'artillery/package.json')) !== artilleryVersion) return `artillery is not ${artilleryVersion}`
  // The runner loads engines with its own require: resolve from there, as it will.
  let engineJson: string
  try {
    const runnerRequire = createRequire(path.join(modules, '@artilleryio/int-core/lib/runner.js'))
    engineJson = runnerRequire.resolve('artillery-engine-playwright/package.json')
  } catch {
    return 'artillery-engine-playwright is not resolvable from artillery\'s runner'
  }
  const engine = versionOf(engineJson)
  if (engine !== engineVersion) return `artillery's runner loads artillery-engine-playwright ${engine ?? '?'}, not ${engineVersion}`
  const playwrightVersion = versionOf(path.join(path.dirname(engineJson), 'node_modules/playwright/package.json')) ?? versionOf(path.join(modules, 'playwright/package.json')) ?? '?'
  return { bin, playwrightVersion }
}

/**
 * @return {Artillery} the CLI, installing it first if needed
 * @throws {Error} one sentence when the install fails or gives other versions
 */
export const ensureArtillery = (): Artillery => {
  const found = inspect(artilleryDir)
  if (typeof found !== 'string') return found
  console.log(`installing artillery@${artilleryVersion} and artillery-engine-playwright@${engineVersion} into ${artilleryDir} (once; about a minute)`)
  fs.mkdirSync(artilleryDir, { recursive: true })
  fs.writeFileSync(path.join(artilleryDir, 'package.json'), JSON.stringify({ private: true, description: 'syncstorm bench:artillery cache; safe to delete' }, null, 2))
  const npm = spawnSync('npm', ['install', '--prefix', artilleryDir, '--no-audit', '--no-fund', '--save-exact', `artillery@${artilleryVersion}`, `artillery-engine-playwright@${engineVersion}`], {
    encoding: 'utf8',
    // The engine's Playwright would download its own Chromium: the benchmark gives it the suite's.
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    timeout: 10 * 60_000
  })
  const after = inspect(artilleryDir)
  if (npm.status !== 0 || typeof after === 'string') {
    const why = npm.status !== 0 ? `npm exited ${npm.status ?? npm.signal}: ${(npm.stderr.trim().split('\n').filter(l => /ERR!/.test(l))[0] ?? npm.stderr.trim().split('\n').at(-1) ?? '').trim()}` : after
    throw new Error(`Artillery ${artilleryVersion} could not be installed into ${artilleryDir} (${why}); check that the npm registry is reachable, delete that folder and run the benchmark again.`)
  }
  return after
}
