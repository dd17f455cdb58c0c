import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Seals small secrets (source passwords, personnummer, private keys) with AES-256-GCM under
 * a subkey of the key-encryption key. Sealed form: `v1.<iv>.<ciphertext>.<tag>`, base64url.
 * `purpose` binds a sealed value to its use (as GCM additional data), so a sealed password
 * cannot be replayed where a sealed personnummer is expected.
 */
export interface SecretBox {
  seal (plaintext: string, purpose: string): string
  open (sealed: string, purpose: string): string
  /** Keyed, deterministic digest for lookups (e.g. find a person by personnummer without decrypting). */
  lookupHash (value: string, purpose: string): string
}

export function secretBox (keyEncryptionKey: Buffer): SecretBox {
  if (keyEncryptionKey.length !== 32) throw new Error('the key-encryption key must be 32 bytes')
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), info, 32))
  const encryptionKey = derive('behorig seal v1')
  const lookupKey = derive('behorig lookup v1')
  // Random 96-bit IVs drawn from a pooled buffer: one syscall per 4096 seals instead of
  // one per seal (a sync run seals a personnummer per row).
  let pool = Buffer.alloc(0)
  let offset = 0
  const nextIv = (): Buffer => {
    if (offset + 12 > pool.length) { pool = randomBytes(12 * 4096); offset = 0 }
    offset += 12
    return pool.subarray(offset - 12, offset)
  }
  return {
    seal (plaintext, purpose) {
      const iv = nextIv()
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv)
      cipher.setAAD(Buffer.from(purpose, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.')
    },
    open (sealed, purpose) {
      const [version, iv, ciphertext, tag] = sealed.split('.')
      if (version !== 'v1' || !iv || ciphertext === undefined || !tag) throw new Error('not a sealed value')
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(purpose, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
    },
    lookupHash (value, purpose) {
      return createHmac('sha256', lookupKey).update(purpose).update('\0').update(value).digest('base64url')
    }
  }
}
