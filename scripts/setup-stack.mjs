// Installs a stack that stays out of the default install (stacks/<name>/: its own package.json,
// exact pins and lockfile), then rebuilds the browser bundles so its harness page exists.
//   node scripts/setup-stack.mjs automerge        (npm run setup:automerge)
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const say = line => console.log(`[setup:stack] ${line}`)
const fail = message => {
  console.error(`[setup:stack] ${message}`)
  process.exit(1)
}

const name = process.argv[2]
const stacks = fs.readdirSync(path.join(root, 'stacks')).filter(dir => fs.existsSync(path.join(root, 'stacks', dir, 'package.json')))
if (name === undefined || !stacks.includes(name)) fail(`give the stack to install, one of: ${stacks.join(', ')} (e.g. node scripts/setup-stack.mjs ${stacks[0]}).`)
if (!fs.existsSync(path.join(root, 'node_modules/esbuild'))) fail('the suite itself is not installed: run `npm run setup` first.')

const dir = path.join(root, 'stacks', name)
const started = Date.now()
// `npm install`, not `npm ci`: npm 11 leaves the optional platform packages of cbor-extract out of the lockfile it
// writes and then refuses that lockfile in `npm ci`. The pins are exact and the lockfile holds the rest.
say(`$ npm install (in stacks/${name})`)
if (spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' }).status !== 0) fail(`npm could not install stacks/${name}: check that the npm registry is reachable, then run this again.`)
say(`installed stacks/${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
if (spawnSync('node', ['scripts/build-client.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) fail('building the browser bundles failed (see the esbuild output above).')
say(`done: STRESS_CLIENT=${name} is ready (its commands are in the README, "Running the scenarios against it").`)
