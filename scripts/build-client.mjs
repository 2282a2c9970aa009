// Bundles what runs in the browser with esbuild:
//   client/harness/page.ts           -> dist/harness/page.js   (the harness page)
//   client/store/opfs-worker.worker.ts -> dist/harness/opfs-worker.js (sync access handle worker: opfs-worker and opfs-log)
//   tests/browser/**/*.page.ts       -> dist/test-pages/<name>.js (pages of the client's own browser tests)
//   client/adapters/registry.json    -> dist/harness/adapters/<name>.js (one harness page per shipped adapter)
import { build } from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const out = path.join(root, 'dist')

const testPages = fs.existsSync(path.join(root, 'tests/browser'))
  ? fs.readdirSync(path.join(root, 'tests/browser'), { recursive: true })
    .map(String).filter(f => f.endsWith('.page.ts'))
  : []

const common = { bundle: true, format: 'esm', target: ['chrome110', 'firefox115', 'safari16'], sourcemap: 'inline', logLevel: 'warning', absWorkingDir: root }

const adapters = Object.entries(JSON.parse(fs.readFileSync(path.join(root, 'client/adapters/registry.json'), 'utf8')))
// Same entry as fixtures/client.ts builds for an adapter given by path.
const adapterEntry = (name, file) => ({
  contents: `import adapter from ${JSON.stringify(`./${file}`)}\nimport { installAdapterPage } from './client/harness/adapter-page.ts'\ninstallAdapterPage(adapter, ${JSON.stringify(name)})\n`,
  resolveDir: root, sourcefile: `adapter-page-${name}.ts`, loader: 'ts'
})

const started = Date.now()
await Promise.all([
  ...adapters.map(([name, file]) => build({ ...common, stdin: adapterEntry(name, file), outfile: path.join(out, 'harness/adapters', `${name}.js`) })),
  build({ ...common, entryPoints: ['client/harness/page.ts'], outfile: path.join(out, 'harness/page.js') }),
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
