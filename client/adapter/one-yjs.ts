/**
 * One Yjs for the suite and every adapter. Yjs checks its own types with
 * `instanceof`: a Y.Map made by a second copy of Yjs is not a Y.Map to the
 * first, so a digest of it reads Yjs internals (`_item`, `_map`) instead of
 * the document, and updates between the two copies break. An SDK installed
 * outside the project brings such a second copy.
 *
 * - Browser: every harness bundle resolves `yjs`, `y-protocols` and `lib0`
 *   from the suite's own node_modules (oneYjsPlugin), wherever the adapter is.
 * - Node: an adapter module is imported as it is, so a second copy is found
 *   before the import (where the adapter's directory resolves `yjs`) and
 *   while it runs (Yjs marks every copy it evaluates on `globalThis`); either
 *   fails with one sentence naming both copies and the fix.
 *
 * Node only (esbuild, fs).
 *
 * @module client/adapter/one-yjs
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'esbuild'

const suiteRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The packages that must exist once: Yjs, and the protocol and utility packages that share its types and encoders. */
const shared = /^(yjs|y-protocols|lib0)(\/.*)?$/

/**
 * An esbuild plugin: `yjs`, `y-protocols` and `lib0` (and their subpaths)
 * resolve from the suite's root, whoever imports them.
 */
export const oneYjsPlugin = (): Plugin => ({
  name: 'one-yjs',
  setup (build) {
    build.onResolve({ filter: shared }, async args => {
      // The plugin's own resolve call comes back here: let esbuild resolve it.
      if (args.pluginData === 'one-yjs') return undefined
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: suiteRoot, pluginData: 'one-yjs' })
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path, sideEffects: resolved.sideEffects }
    })
  }
})

/** The package folder `yjs` resolves to from `fromFile`'s directory, or undefined where none does. */
export const yjsPackageFrom = (fromFile: string): string | undefined => {
  try {
    return path.dirname(fs.realpathSync(createRequire(fromFile).resolve('yjs/package.json')))
  } catch {
    return undefined
  }
}

/** The suite's own Yjs package folder. */
export const suiteYjs = (): string => yjsPackageFrom(path.join(suiteRoot, 'package.json'))!

/** Thrown when an adapter brings a second Yjs: its message is the one sentence the user needs. */
export class SecondYjsError extends Error {}

const twoCopies = (source: string, theirs: string, ours: string): SecondYjsError => new SecondYjsError(
  `adapter ${source} loads a second copy of Yjs (${theirs}) beside the suite's (${ours}), so Yjs types fail its instanceof checks and state() reads Yjs internals such as _item and _map: remove the second copy (or run \`npm dedupe\`), or install the SDK in this project (${suiteRoot}) so both resolve one yjs.`)

/**
 * Before importing an adapter: does its directory resolve `yjs` to another
 * copy than the suite's?
 * @param {string} adapterFile absolute path of the adapter module
 * @param {string} source how the user named it, for the message
 * @throws one sentence naming both copies and the fix
 */
export const checkOneYjs = (adapterFile: string, source: string): void => {
  const theirs = yjsPackageFrom(adapterFile)
  const ours = suiteYjs()
  if (theirs !== undefined && theirs !== ours) throw twoCopies(source, theirs, ours)
}

/** Yjs sets this on globalThis when a copy of it is evaluated (and complains when it was set already). */
const marker = '__ $YJS$ __'

/** The package folder holding `file` (the nearest with a package.json), or the file itself outside any. */
const packageOf = (file: string): string => {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
  }
  return file
}

/** The module file a stack frame line points at, e.g. `at file:///x/node_modules/yjs/dist/yjs.mjs:10299:21`. */
const frameFile = (line: string): string | undefined => {
  const location = /\((.+?):\d+:\d+\)$/.exec(line)?.[1] ?? /at (.+?):\d+:\d+$/.exec(line.trim())?.[1]
  if (location === undefined) return undefined
  return location.startsWith('file://') ? fileURLToPath(location) : location
}

/**
 * Imports an adapter module while watching Yjs's marker: any copy of Yjs
 * evaluated during the import is a second one, since the suite's is loaded
 * already (a CommonJS and an ESM build of one package count as two).
 * @param {() => Promise<T>} load the import
 * @param {string} source how the user named the adapter, for the message
 * @throws one sentence naming both copies and the fix
 */
export const importWithOneYjs = async <T>(load: () => Promise<T>, source: string): Promise<T> => {
  const globals = globalThis as Record<string, unknown>
  const before = Object.getOwnPropertyDescriptor(globals, marker)
  let loadedOnce = before?.value === true
  const copies: string[] = []
  const self = fileURLToPath(import.meta.url)
  Object.defineProperty(globals, marker, {
    configurable: true,
    get: () => loadedOnce,
    set: () => {
      // The frame after this setter's is the copy of Yjs that is being evaluated.
      const file = (new Error().stack ?? '').split('\n').map(frameFile).find(frame => frame !== undefined && frame !== self)
      if (loadedOnce) copies.push(file === undefined ? 'an unknown file' : packageOf(file))
      loadedOnce = true
    }
  })
  let loaded: T
  try {
    loaded = await load()
  } finally {
    Object.defineProperty(globals, marker, { configurable: true, writable: true, enumerable: true, value: loadedOnce })
  }
  if (copies.length > 0) throw twoCopies(source, copies[0]!, suiteYjs())
  return loaded
}
