#!/usr/bin/env node
// Compiles src/ to dist/ (tsc -p tsconfig.build.json) only when something it is built from
// changed since the last successful build, so a restart without source changes costs no
// compile. "Changed" is any file under src/ or a build input below newer than the stamp
// dist/.build-stamp, or the stamp naming other inputs than today's.
//
//   node scripts/build-if-stale.mjs [--force]
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const stamp = join(root, 'dist', '.build-stamp')
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'].map((f) => join(root, f))

function newestUnder (dir, newest = { file: '', mtimeMs: 0, count: 0 }) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newestUnder(path, newest)
    else {
      const { mtimeMs } = statSync(path)
      newest.count++
      if (mtimeMs > newest.mtimeMs) Object.assign(newest, { file: path, mtimeMs })
    }
  }
  return newest
}

function fingerprint () {
  const newest = newestUnder(join(root, 'src'))
  for (const file of inputs) {
    if (!existsSync(file)) continue
    const { mtimeMs } = statSync(file)
    if (mtimeMs > newest.mtimeMs) Object.assign(newest, { file, mtimeMs })
  }
  // The file count catches a deleted source, which no mtime shows.
  return `${newest.mtimeMs} ${newest.count}`
}

const current = fingerprint()
const built = existsSync(stamp) && existsSync(join(root, 'dist', 'src', 'server.js')) ? readFileSync(stamp, 'utf8') : ''
if (!process.argv.includes('--force') && built === current) process.exit(0)

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root })
mkdirSync(dirname(stamp), { recursive: true })
writeFileSync(stamp, current)
