#!/usr/bin/env node
// syncstorm's command line (package.json "bin"):
//   syncstorm init-adapter <name> [--dir <dir>]
// writes <dir>/<name>-adapter.ts (the current directory by default): the starter
// adapter (examples/starter/adapter.ts), named <name>, that runs as it is against
// the reference server and marks each place a team plugs in its SDK.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const suiteRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const template = path.join(suiteRoot, 'examples/starter/adapter.ts')
const usage = 'usage: syncstorm init-adapter <name> [--dir <dir>]'

const fail = message => {
  console.error(`syncstorm: ${message}`)
  process.exit(1)
}

const initAdapter = args => {
  const dirAt = args.indexOf('--dir')
  const dirArg = dirAt >= 0 ? args[dirAt + 1] : undefined
  if (dirAt >= 0 && dirArg === undefined) fail(`--dir needs a directory; ${usage}`)
  const rest = dirAt >= 0 ? args.filter((_, i) => i !== dirAt && i !== dirAt + 1) : args
  if (rest.length !== 1) fail(`init-adapter takes one name; ${usage}`)
  const name = rest[0]
  // The adapter's name in reports follows the contract's rule (client/adapter/contract.ts).
  if (!/^[\w.-]{1,64}$/.test(name)) fail(`"${name}" is not an adapter name: use 1-64 letters, digits, _ . -`)
  // `npm run init-adapter` runs in the package root; INIT_CWD is where the user typed it.
  const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), dirArg ?? '.')
  const file = path.join(dir, `${name}-adapter.ts`)
  if (fs.existsSync(file)) fail(`${file} exists already: pick another name or remove it first.`)
  let contractPath = path.relative(dir, path.join(suiteRoot, 'client/adapter/contract.ts')).split(path.sep).join('/')
  if (!contractPath.startsWith('.')) contractPath = `./${contractPath}`
  // The suite runs from its root, and resolves STRESS_CLIENT from there.
  const fromRoot = path.relative(suiteRoot, file).split(path.sep).join('/')
  const shown = fromRoot.startsWith('..') ? file : `./${fromRoot}`
  const source = fs.readFileSync(template, 'utf8')
    .replace("from '../../client/adapter/contract.ts'", `from '${contractPath}'`)
    .replace("name: 'starter',", `name: '${name}',`)
    .replace(/^ \* starter: a syncstorm adapter skeleton/m, ` * ${name}: a syncstorm adapter, from the skeleton`)
    .replace('STRESS_CLIENT=./starter-adapter.ts', `STRESS_CLIENT=${shown}`)
    .replace('@module examples/starter/adapter', `@module ${name}-adapter`)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(file, source, { flag: 'wx' })
  console.log(`wrote ${file}\nrun it against the reference server, from ${suiteRoot}:\n  STRESS_CLIENT=${shown} npx playwright test --grep @conflict --project=chromium`)
}

const [command, ...args] = process.argv.slice(2)
if (command === 'init-adapter') initAdapter(args)
else fail(command === undefined ? usage : `unknown command "${command}"; ${usage}`)
