import net from 'node:net'

/**
 * Tries to bind the port the server is about to use and lets it go again. Run before the build,
 * the migrations and the demo seed, so a taken port costs a second and one line instead of a stack
 * trace after all that work. Resolves to that line, or null when the port is free.
 */
export async function portUnavailableMessage(port: number, host: string | undefined): Promise<string | null> {
  if (port === 0) return null
  const where = host ? `${host}:${port}` : `port ${port}`
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        resolve(
          `${where} is already in use (another Maitre or another program); start on a free port: PORT=${port === 65_535 ? 3001 : port + 1} npm start`,
        )
      } else if (error.code === 'EACCES') {
        resolve(`${where} needs privileges this user lacks; use a port above 1023: PORT=3000 npm start`)
      } else if (error.code === 'EADDRNOTAVAIL') {
        resolve(`HOST=${host} is not an address of this machine; use HOST=127.0.0.1 or HOST=0.0.0.0`)
      } else {
        resolve(`cannot listen on ${where}: ${error.message}`)
      }
    })
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)))
  })
}
