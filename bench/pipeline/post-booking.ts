import http from 'node:http'

export interface Sample {
  inlineMs: number
  httpMs: number
  outcome: string
  status: number
}

/** POST /api/bookings with a prepared JSON body; resolves with what the answer says and how long it took. */
export function postBooking(base: string, agent: http.Agent, token: string, payload: string): Promise<Sample> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}/api/bookings`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        let text = ''
        response.on('data', (chunk) => (text += chunk))
        response.on('end', () => {
          const httpMs = performance.now() - started
          try {
            const parsed = JSON.parse(text)
            resolve({
              inlineMs: parsed.autoAssign?.durationMs ?? NaN,
              httpMs,
              outcome: parsed.autoAssign?.outcome ?? `http_${response.statusCode}`,
              status: response.statusCode ?? 0,
            })
          } catch (error) {
            reject(error)
          }
        })
      },
    )
    request.on('error', reject)
    request.end(payload)
  })
}
