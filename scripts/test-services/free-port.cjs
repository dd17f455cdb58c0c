// Prints one free TCP port on 127.0.0.1 (asks the kernel by binding port 0),
// never one of the well-known ports the machine's own services use.
'use strict'
const net = require('node:net')
const avoid = new Set([389, 636, 5432, 6379])

function attempt (left) {
  const srv = net.createServer()
  srv.once('error', (err) => {
    if (left > 0) attempt(left - 1)
    else {
      process.stderr.write(`free-port: ${err.message}\n`)
      process.exit(1)
    }
  })
  srv.listen(0, '127.0.0.1', () => {
    const { port } = srv.address()
    srv.close(() => {
      if (avoid.has(port) && left > 0) attempt(left - 1)
      else process.stdout.write(`${port}\n`)
    })
  })
}
attempt(5)
