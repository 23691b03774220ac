/**
 * Remembers the last results of a pure function of a string key, up to `limit` of them; when full
 * it starts over. For time-zone formatting on the booking path, where many bookings share a
 * handful of slot times and ICU formatting costs microseconds each.
 */
export function boundedMemo<V>(limit: number, compute: (key: string) => V): (key: string) => V {
  let entries = new Map<string, V>()
  return (key) => {
    const known = entries.get(key)
    if (known !== undefined) return known
    const value = compute(key)
    if (entries.size >= limit) entries = new Map()
    entries.set(key, value)
    return value
  }
}
