/**
 * Serves the browser bundles on loopback, so pages get a secure context
 * (OPFS needs one) and fetch nothing beyond this server and the target.
 *
 *   /harness/              the harness page (dist/harness/page.js)
 *   /harness/<file>.js     harness bundles (page.js, its chunk-<hash>.js, opfs-worker.js), each with its .js.map
 *   /harness/adapters/<name>/    the harness page of an adapter (dist/harness/adapters/<name>.js)
 *   /test-pages/<name>.html a page that loads dist/test-pages/<name>.js
 *
 * @module client/harness/serve
 */
import http from 'node:http'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { AddressInfo } from 'node:net'

const distDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist')

/**
 * Cross-origin isolation: without it performance.now() is coarsened to 1 ms in
 * Firefox and 100 µs in Chromium, which hides sub-millisecond store and
 * propagation timings; isolated pages get 20 µs and 5 µs. Everything the pages
 * load comes from this origin, and WebSockets are not subject to COEP.
 */
const crossOriginIsolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }

const pageHtml = (script: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>syncstorm harness</title></head>` +
  `<body><script type="module" src="${script}"></script></body></html>`

export interface HarnessServer {
  /** Origin, e.g. http://127.0.0.1:41234 */
  origin: string
  /** URL of the harness page. */
  harnessUrl: string
  /** URL of a test page built from tests/browser/** /<name>.page.ts */
  testPageUrl: (name: string) => string
  close: () => Promise<void>
}

const route = async (url: string): Promise<{ status: number, type: string, body: string | Buffer }> => {
  const pathname = new URL(url, 'http://x').pathname
  if (pathname === '/harness/' || pathname === '/harness/index.html') {
    return { status: 200, type: 'text/html', body: pageHtml('/harness/page.js') }
  }
  const adapterPage = /^\/harness\/adapters\/([\w.-]+)\/$/.exec(pathname)
  if (adapterPage !== null) return { status: 200, type: 'text/html', body: pageHtml(`/harness/adapters/${adapterPage[1]}.js`) }
  const testPage = /^\/test-pages\/([\w-]+)\.html$/.exec(pathname)
  if (testPage !== null) return { status: 200, type: 'text/html', body: pageHtml(`/test-pages/${testPage[1]}.js`) }
  const bundle = /^\/(harness|test-pages|harness\/adapters)\/([\w.-]+\.js(\.map)?)$/.exec(pathname)
  if (bundle !== null) {
    try {
      return { status: 200, type: bundle[3] === undefined ? 'text/javascript' : 'application/json', body: await fs.readFile(path.join(distDir, bundle[1], bundle[2])) }
    } catch {
      return { status: 404, type: 'text/plain', body: `${pathname} is not built: run \`npm run build\`.` }
    }
  }
  if (pathname === '/favicon.ico') return { status: 204, type: 'text/plain', body: '' }
  return { status: 404, type: 'text/plain', body: `no such harness resource: ${pathname}` }
}

/**
 * Starts the static server on 127.0.0.1 and a random port.
 * @return {Promise<HarnessServer>}
 */
export const serveHarness = async (): Promise<HarnessServer> => {
  try {
    await fs.access(path.join(distDir, 'harness/page.js'))
  } catch {
    throw new Error(`the harness bundle ${path.join(distDir, 'harness/page.js')} is missing: run \`npm run build\` first.`)
  }
  const server = http.createServer((req, res) => {
    route(req.url ?? '/').then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...crossOriginIsolation })
      res.end(body)
    }, (err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(err.message)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    harnessUrl: `${origin}/harness/`,
    testPageUrl: name => `${origin}/test-pages/${name}.html`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
