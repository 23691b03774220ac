/** At most this many buckets per series: keeps series (and charts) bounded. */
export const MAX_BUCKETS = 2_000

export const GRAINS = { minute: 60, hour: 3_600, day: 86_400 } as const
export type Grain = keyof typeof GRAINS
