import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'

/**
 * The configured key-encryption key, or one generated into the data directory (mode 0600)
 * for zero-setup runs. `generated` lets the caller warn: production must set
 * BEHORIG_KEY_ENCRYPTION_KEY, or every node needs the same file.
 */
export function resolveKeyEncryptionKey (configured: string | undefined, dataDir: string): { key: Buffer, source: 'environment' | 'file' | 'generated', file?: string } {
  if (configured) return { key: Buffer.from(configured, 'base64url'), source: 'environment' }
  const file = join(dataDir, 'key-encryption-key')
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url')
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64url key`)
    return { key, source: 'file', file }
  }
  mkdirSync(dataDir, { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' })
  return { key, source: 'generated', file }
}
