import { z } from 'zod'

/** At most this many buckets per query: keeps generate_series (and charts) bounded. */
export const MAX_BUCKETS = 2_000

/** The time window shared by the dashboard queries: [from, to), bucketed, optionally one restaurant. */
export const windowFields = z.object({
  from: z.date(),
  to: z.date(),
  bucketSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600),
  restaurantId: z.string().uuid().nullable().default(null),
})

/** Adds the window's cross-field checks to a params schema built on windowFields. */
export function checkedWindow<T extends z.ZodType<z.infer<typeof windowFields>, z.ZodTypeDef, unknown>>(
  schema: T,
): z.ZodEffects<T> {
  return schema.superRefine((p, ctx) => {
    const seconds = (p.to.getTime() - p.from.getTime()) / 1000
    if (seconds <= 0) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' })
    else if (seconds / p.bucketSeconds > MAX_BUCKETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['bucketSeconds'],
        message: `the window holds more than ${MAX_BUCKETS} buckets; use a larger bucket`,
      })
    }
  }) as unknown as z.ZodEffects<T>
}
