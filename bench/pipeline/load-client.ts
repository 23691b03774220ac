// Closed-loop load client in its own thread, so generating requests does not steal the server's
// event loop (as an external load generator would not).
import http from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'
import { seededRandom } from '../../server/sim/seeded-random.ts'
import { simulatedBooking, type SimRestaurant } from '../../server/sim/traffic.ts'

interface LoadJob {
  base: string
  token: string
  restaurants: SimRestaurant[]
  concurrency: number
  seconds: number
  seed: number
}

const job = workerData as LoadJob
const random = seededRandom(job.seed)
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency })

function post(body: unknown): Promise<{ inlineMs: number; status: number }> {
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${job.base}/api/bookings`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${job.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        let text = ''
        response.on('data', (chunk) => (text += chunk))
        response.on('end', () => {
          const parsed = JSON.parse(text)
          resolve({ inlineMs: parsed.autoAssign?.durationMs ?? NaN, status: response.statusCode ?? 0 })
        })
      },
    )
    request.on('error', reject)
    request.end(payload)
  })
}

const samples: Array<{ inlineMs: number; status: number }> = []
const deadline = performance.now() + job.seconds * 1000
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < deadline) {
      samples.push(await post(simulatedBooking(job.restaurants, random, new Date(), { horizonDays: 90 })))
    }
  }),
)
agent.destroy()
parentPort!.postMessage(samples)
