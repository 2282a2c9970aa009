// Bundles what runs in the browser with esbuild:
//   client/harness/page.ts           -> dist/harness/page.js   (the harness page)
//   client/store/opfs-worker.worker.ts -> dist/harness/opfs-worker.js (sync access handle worker: opfs-worker and opfs-log)
//   tests/browser/**/*.page.ts       -> dist/test-pages/<name>.js (pages of the client's own browser tests)
//   client/adapters/registry.json    -> dist/harness/adapters/<name>.js (one harness page per shipped adapter)
import { build } from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import { tsImport } from 'tsx/esm/api'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const out = path.join(root, 'dist')

const testPages = fs.existsSync(path.join(root, 'tests/browser'))
  ? fs.readdirSync(path.join(root, 'tests/browser'), { recursive: true })
    .map(String).filter(f => f.endsWith('.page.ts'))
  : []

// Adapter pages resolve yjs, y-protocols and lib0 from the suite, wherever the adapter lives: one Yjs per page.
const { oneYjsPlugin } = await tsImport('../client/adapter/one-yjs.ts', import.meta.url)

const common = { bundle: true, format: 'esm', target: ['chrome110', 'firefox115', 'safari16'], sourcemap: 'inline', logLevel: 'warning', absWorkingDir: root }

const { stackMissing, stackOf } = await tsImport('../client/adapter/stacks.ts', import.meta.url)
// A stack installed on demand (stacks/<name>/, e.g. Automerge) is skipped with one line until it is installed.
const adapters = Object.entries(JSON.parse(fs.readFileSync(path.join(root, 'client/adapters/registry.json'), 'utf8')))
  .filter(([name, file]) => {
    const missing = stackMissing(root, file)
    if (missing !== undefined) console.log(`adapter page ${name} skipped: ${missing}`)
    return missing === undefined
  })
// Same entry as fixtures/client.ts builds for an adapter given by path.
const adapterEntry = (name, file) => ({
  contents: `import adapter from ${JSON.stringify(`./${file}`)}\nimport { installAdapterPage } from './client/harness/adapter-page.ts'\ninstallAdapterPage(adapter, ${JSON.stringify(name)})\n`,
  resolveDir: root, sourcefile: `adapter-page-${name}.ts`, loader: 'ts'
})

/** zod re-exports every locale (`z.locales`), ~250 KB minified that no page uses: keep English, the default. */
const englishZodPlugin = {
  name: 'english-zod',
  setup: build => {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, args => args.importer.includes(`${path.sep}zod${path.sep}`)
      ? { path: path.join(path.dirname(args.importer), '../locales/index.js'), namespace: 'english-zod' }
      : undefined)
    build.onLoad({ filter: /.*/, namespace: 'english-zod' }, args => ({ contents: 'export { default as en } from "./en.js"\n', resolveDir: path.dirname(args.path), loader: 'js' }))
  }
}
// Chunks of an earlier build would pile up beside the new ones.
for (const file of fs.existsSync(path.join(out, 'harness')) ? fs.readdirSync(path.join(out, 'harness')) : []) {
  if (/^chunk-\w+\.js(\.map)?$/.test(file)) fs.rmSync(path.join(out, 'harness', file))
}

const started = Date.now()
await Promise.all([
  // A stack's map leaves its sources out: Automerge's would carry its 5 MB of base64 wasm a second time.
  ...adapters.map(([name, file]) => build({ ...common, ...(stackOf(root, file) === undefined ? {} : { sourcesContent: false }), plugins: [oneYjsPlugin()], stdin: adapterEntry(name, file), outfile: path.join(out, 'harness/adapters', `${name}.js`) })),
  // Every context parses it: minified, map beside it (served, for DevTools and traces), store and benchmark code in chunks
  // loaded on first use, and zod with its English messages only.
  build({ ...common, sourcemap: 'external', minify: true, splitting: true, plugins: [englishZodPlugin], entryPoints: ['client/harness/page.ts'], outdir: path.join(out, 'harness'), chunkNames: 'chunk-[hash]' }),
  // Minified, map beside it (not served): the worker starts on every store open, and parsing an inline map of megabytes
  // was most of the opfs-log restore time.
  build({ ...common, sourcemap: 'external', minify: true, entryPoints: ['client/store/opfs-worker.worker.ts'], outfile: path.join(out, 'harness/opfs-worker.js') }),
  ...testPages.map(rel => build({
    ...common,
    entryPoints: [path.join('tests/browser', rel)],
    outfile: path.join(out, 'test-pages', path.basename(rel, '.page.ts') + '.js')
  }))
])
console.log(`built browser bundles in ${Date.now() - started} ms (harness, opfs worker, ${adapters.length} adapter page(s), ${testPages.length} test page(s))`)
