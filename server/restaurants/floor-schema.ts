import { z } from 'zod'

const key = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "-" or "."')

export const slugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a slug is lowercase letters and digits separated by single "-"')

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

const servicePeriodSchema = z.object({
  name: z.string().min(1).max(64),
  days: z.array(z.number().int().min(1).max(7)).min(1),
  opens: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  closes: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
})

export const floorSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    timezone: z.string().refine(isTimeZone, 'not an IANA time zone such as "Europe/Paris"'),
    turnMinutes: z
      .record(
        z.string().regex(/^\d+$/, 'keys are party-size ceilings such as "2" or "99"'),
        z.number().int().min(15).max(480),
      )
      .refine((value) => Object.keys(value).length > 0, 'give at least one party-size ceiling')
      .default({ '2': 90, '4': 105, '6': 120, '99': 150 }),
    bufferMinutes: z.number().int().min(0).max(120).default(15),
    servicePeriods: z.array(servicePeriodSchema).max(20).default([]),
    zones: z
      .array(z.object({ key, name: z.string().trim().min(1).max(200) }))
      .min(1)
      .max(100),
    tables: z
      .array(
        z.object({
          key,
          zone: key,
          capacity: z.number().int().min(1).max(100),
          minParty: z.number().int().min(1).max(100).optional(),
          maxParty: z.number().int().min(1).max(100).optional(),
          mergeable: z.boolean().optional(),
          active: z.boolean().optional(),
        }),
      )
      .min(1)
      .max(2000),
    adjacency: z
      .array(z.tuple([key, key]))
      .max(20_000)
      .default([]),
  })
  .superRefine((floor, ctx) => {
    const zoneKeys = new Set<string>()
    floor.zones.forEach((zone, index) => {
      if (zoneKeys.has(zone.key)) {
        ctx.addIssue({ code: 'custom', path: ['zones', index, 'key'], message: `duplicate zone key "${zone.key}"` })
      }
      zoneKeys.add(zone.key)
    })
    const tableKeys = new Set<string>()
    floor.tables.forEach((table, index) => {
      if (tableKeys.has(table.key)) {
        ctx.addIssue({ code: 'custom', path: ['tables', index, 'key'], message: `duplicate table key "${table.key}"` })
      }
      tableKeys.add(table.key)
      if (!zoneKeys.has(table.zone)) {
        ctx.addIssue({ code: 'custom', path: ['tables', index, 'zone'], message: `unknown zone "${table.zone}"` })
      }
      const minParty = table.minParty ?? 1
      const maxParty = table.maxParty ?? table.capacity
      if (minParty > maxParty) {
        ctx.addIssue({ code: 'custom', path: ['tables', index, 'minParty'], message: 'minParty is above maxParty' })
      }
      if (maxParty > table.capacity) {
        ctx.addIssue({ code: 'custom', path: ['tables', index, 'maxParty'], message: 'maxParty is above capacity' })
      }
    })
    floor.adjacency.forEach(([a, b], index) => {
      for (const [position, tableKey] of [a, b].entries()) {
        if (!tableKeys.has(tableKey)) {
          ctx.addIssue({ code: 'custom', path: ['adjacency', index, position], message: `unknown table "${tableKey}"` })
        }
      }
      if (a === b) {
        ctx.addIssue({ code: 'custom', path: ['adjacency', index], message: 'a table cannot be adjacent to itself' })
      }
    })
  })

export type FloorInput = z.input<typeof floorSchema>
export type Floor = z.output<typeof floorSchema>
