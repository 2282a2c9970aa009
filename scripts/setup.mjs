// One-step setup for a fresh clone: npm dependencies, browsers, browser bundles.
// Browsers: Playwright's own builds when they can be downloaded; otherwise, on
// Debian as root, Debian's chromium and firefox-esr (BROWSERS.md).
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const say = line => console.log(`[setup] ${line}`)

const run = (cmd, args, { timeoutMs = 15 * 60_000, quiet = false } = {}) => {
  say(`$ ${cmd} ${args.join(' ')}`)
  const result = spawnSync(cmd, args, { stdio: quiet ? 'pipe' : 'inherit', timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  return result.status === 0
}

const fail = message => {
  console.error(`[setup] ${message}`)
  process.exit(1)
}

if (!fs.existsSync('node_modules/@playwright/test') || process.argv.includes('--reinstall')) {
  const installed = fs.existsSync('package-lock.json') ? run('npm', ['ci', '--no-audit', '--no-fund']) : run('npm', ['install', '--no-audit', '--no-fund'])
  if (!installed) fail('npm could not install the dependencies: check that the npm registry is reachable, then run `npm run setup` again.')
} else {
  say('npm dependencies present')
}

// Playwright's downloads fail fast where its CDN is unreachable; try them before installing OS deps.
const downloaded = run('npx', ['playwright', 'install', 'chromium', 'firefox', 'webkit'], { timeoutMs: 10 * 60_000, quiet: true })
if (downloaded) {
  say('Playwright browsers downloaded; installing their system dependencies')
  run('npx', ['playwright', 'install-deps', 'chromium', 'firefox', 'webkit'])
} else {
  say('Playwright browser downloads are not reachable here; using system browsers')
  const isDebian = fs.existsSync('/etc/debian_version')
  const isRoot = process.getuid?.() === 0
  const missing = [['chromium', '/usr/bin/chromium'], ['firefox-esr', '/usr/bin/firefox-esr']]
    .filter(([, bin]) => !fs.existsSync(bin)).map(([pkg]) => pkg)
  if (missing.length === 0) {
    say('Debian chromium and firefox-esr already installed')
  } else if (isDebian && isRoot) {
    if (!run('apt-get', ['update', '-qq']) || !run('apt-get', ['install', '-y', '-qq', ...missing])) {
      fail(`apt-get could not install ${missing.join(', ')}: check that Debian's package mirror is reachable.`)
    }
  } else {
    say(`missing ${missing.join(', ')}: install them with your package manager (Debian: apt-get install ${missing.join(' ')}), or set STRESS_CHROMIUM_PATH / STRESS_FIREFOX_PATH`)
  }
}

if (!run('node', ['scripts/build-client.mjs'])) fail('building the browser bundles failed (see the esbuild output above).')

// Print what each Playwright project will launch.
const probe = spawnSync('node', ['--import', 'tsx', '-e', `
  import('./browsers/projects.ts').then(({ resolveBrowser }) => {
    for (const name of ['chromium', 'firefox', 'webkit']) {
      const b = resolveBrowser(name)
      console.log('[setup] ' + name.padEnd(9) + (b.source === 'missing' ? 'not installed (skipped with a notice)' : b.source + (b.executablePath ? ' ' + b.executablePath : '') + (b.channel ? ' (channel ' + b.channel + ')' : '')))
    }
  })`], { stdio: 'inherit' })
if (probe.status !== 0) fail('could not resolve the browsers (see above).')
say('done. Run the stress scenarios with `npx playwright test`, the suite\'s own tests with `npm test`.')
