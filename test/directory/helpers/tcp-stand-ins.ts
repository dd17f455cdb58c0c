/**
 * Network conditions a real directory shows when something is wrong, made with plain TCP:
 * a port nobody listens on, a server that accepts and never answers, a relay to the real
 * slapd that cuts the connection after a number of requests, and one that keeps a copy of
 * everything a client sends (a directory someone else runs).
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

/** A port on 127.0.0.1 that was free a moment ago and has no listener now. */
export async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface StandIn { url: string, close (): Promise<void> }

/** Accepts connections and never sends a byte, like a directory hung on a lock. */
export async function silentServer (): Promise<StandIn> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => { sockets.add(socket); socket.on('error', () => undefined) })
  return listening(server, sockets)
}

/**
 * Relays to `target` (host:port) and, when the client sends its `cutAt`-th request (1 =
 * the bind), closes both sides instead of relaying it. An LDAP client waits for each
 * answer before its next request here, so requests arrive one by one.
 */
export async function cuttingRelay (target: { host: string, port: number }, cutAt: number): Promise<StandIn> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    sockets.add(client).add(upstream)
    let requests = 0
    client.on('data', (chunk) => {
      if (++requests >= cutAt) {
        client.destroy()
        upstream.destroy()
      } else upstream.write(chunk)
    })
    upstream.on('data', (chunk) => client.write(chunk))
    for (const s of [client, upstream]) {
      s.on('error', () => undefined)
      s.on('close', () => { client.destroy(); upstream.destroy() })
    }
  })
  return listening(server, sockets)
}

/** Relays to `target` (host:port) and keeps every byte clients send, for `received()`. */
export async function recordingRelay (target: { host: string, port: number }): Promise<StandIn & { received (): Buffer }> {
  const sockets = new Set<Socket>()
  const chunks: Buffer[] = []
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    sockets.add(client).add(upstream)
    client.on('data', (chunk) => { chunks.push(chunk); upstream.write(chunk) })
    upstream.on('data', (chunk) => client.write(chunk))
    for (const s of [client, upstream]) {
      s.on('error', () => undefined)
      s.on('close', () => { client.destroy(); upstream.destroy() })
    }
  })
  return { ...await listening(server, sockets), received: () => Buffer.concat(chunks) }
}

async function listening (server: Server, sockets: Set<Socket>): Promise<StandIn> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `ldap://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
