/**
 * Stacks with dependencies of their own. A shipped adapter in
 * `stacks/<name>/` with a package.json there (Automerge: wasm, tens of MB)
 * stays out of the default install; `npm run setup:<name>` installs its
 * node_modules beside it, where Node and esbuild resolve its imports from.
 * Until then its page is not built and loading it fails in one sentence.
 *
 * Node only (fs).
 *
 * @module client/adapter/stacks
 */
import fs from 'node:fs'
import path from 'node:path'

/**
 * @param {string} root the suite's root
 * @param {string} file an adapter module
 * @return {string | undefined} the stack's name when the module lives in stacks/<name>/ with its own package.json
 */
export const stackOf = (root: string, file: string): string | undefined => {
  const [top, name] = path.relative(root, path.resolve(root, file)).split(path.sep)
  return top === 'stacks' && name !== undefined && fs.existsSync(path.join(root, 'stacks', name, 'package.json')) ? name : undefined
}

/**
 * @return {string | undefined} one sentence naming the install command when the module's stack is not installed
 */
export const stackMissing = (root: string, file: string): string | undefined => {
  const name = stackOf(root, file)
  if (name === undefined || fs.existsSync(path.join(root, 'stacks', name, 'node_modules'))) return undefined
  return `the ${name} stack is not installed: run \`npm run setup:${name}\` (it installs stacks/${name}/'s own dependencies and builds its harness page).`
}
