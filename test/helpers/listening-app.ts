import { createServer } from 'node:net'

/**
 * A free port on 127.0.0.1, asked of the kernel by binding port 0. The issuer (the `iss`
 * of every token, and where verifiers fetch metadata) must name the port before the app is
 * built, so the app then listens on this one rather than on 0 itself.
 */
export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
