import net from 'node:net'

export type ProxyMode = 'open' | 'reset' | 'stall'

export interface TcpProxy {
  /** the port on 127.0.0.1 that forwards to the target */
  port: number
  /**
   * open: forward; reset: cut every connection and refuse new ones at once (a crashed or
   * restarted database); stall: keep connections but pass no bytes, and accept new ones that
   * never answer (a silent network partition)
   */
  setMode(mode: ProxyMode): void
  close(): Promise<void>
}

/**
 * A TCP proxy on 127.0.0.1 between the app and Postgres, so tests can take the network away
 * and give it back while the same process keeps running.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'open'
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>()

  const server = net.createServer((client) => {
    client.on('error', () => {})
    if (mode === 'reset') return void client.resetAndDestroy()
    const pair: { client: net.Socket; upstream: net.Socket | null } = { client, upstream: null }
    pairs.add(pair)
    client.on('close', () => {
      pairs.delete(pair)
      pair.upstream?.destroy()
    })
    if (mode === 'stall') {
      client.pause() // accepted, never answered
      return
    }
    connectUpstream(pair)
  })

  function connectUpstream(pair: { client: net.Socket; upstream: net.Socket | null }) {
    const upstream = net.connect(target.port, target.host)
    pair.upstream = upstream
    upstream.on('error', () => pair.client.destroy())
    upstream.on('close', () => pair.client.destroy())
    pair.client.pipe(upstream)
    upstream.pipe(pair.client)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    setMode(next) {
      mode = next
      for (const pair of [...pairs]) {
        if (next === 'reset') {
          pair.client.resetAndDestroy()
          pair.upstream?.destroy()
        } else if (next === 'stall') {
          pair.client.pause()
          pair.upstream?.pause()
        } else if (pair.upstream) {
          pair.client.resume()
          pair.upstream.resume()
        } else {
          // accepted during a stall: it was never connected; a partition that heals drops it
          pair.client.destroy()
        }
      }
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream?.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
