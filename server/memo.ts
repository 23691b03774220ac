/**
 * Remembers results by a string key, up to `limit` of them; when full it starts over. For
 * time-zone formatting on the booking path, where many bookings share a handful of slot times and
 * ICU formatting costs microseconds each. `compute` runs only when the key is not remembered.
 */
export function boundedMemo<V>(limit: number): (key: string, compute: () => V) => V {
  let entries = new Map<string, V>()
  return (key, compute) => {
    const known = entries.get(key)
    if (known !== undefined) return known
    const value = compute()
    if (entries.size >= limit) entries = new Map()
    entries.set(key, value)
    return value
  }
}
