// Closed-loop load client in its own thread, so generating requests does not steal the server's
// event loop (as an external load generator would not).
import http from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'
import { seededRandom } from '../../server/sim/seeded-random.ts'
import { simulatedBooking, type SimRestaurant } from '../../server/sim/traffic.ts'
import { postBooking, type Sample } from './post-booking.ts'

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

// Requests are built before the clock starts, as a load tool replays a prepared request list:
// what is measured is the server, not the generator. Enough for 1,000 bookings/s.
const payloads = Array.from({ length: job.seconds * 1000 }, () =>
  JSON.stringify(simulatedBooking(job.restaurants, random, new Date(), { horizonDays: 90 })),
)
let nextPayload = 0

const samples: Sample[] = []
parentPort!.postMessage({ started: true })
const deadline = performance.now() + job.seconds * 1000
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < deadline) {
      if (nextPayload >= payloads.length) throw new Error('the load client ran out of prepared bookings')
      samples.push(await postBooking(job.base, agent, job.token, payloads[nextPayload++]!))
    }
  }),
)
agent.destroy()
parentPort!.postMessage({ samples })
