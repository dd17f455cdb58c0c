import { isIP } from 'node:net'

/** Where a directory is: for connecting, and for naming it in problems (`host:port`). */
export interface DirectoryTarget {
  url: string
  secure: boolean
  host: string
  port: number
  /** `host:port`, as problems name the directory. */
  address: string
}

export function directoryTarget (url: string): DirectoryTarget {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'ldaps:'
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = parsed.port ? Number(parsed.port) : secure ? 636 : 389
  return { url, secure, host, port, address: `${isIP(host) === 6 ? `[${host}]` : host}:${port}` }
}
