/** MurmurHash3 x86 32-bit of a string's UTF-8 bytes; used for sticky percentage buckets. */
export function murmurhash3x86_32(text: string, seed = 0): number {
  const bytes = new TextEncoder().encode(text)
  const c1 = 0xcc9e2d51
  const c2 = 0x1b873593
  let h = seed >>> 0
  const blockCount = bytes.length >>> 2
  for (let block = 0; block < blockCount; block++) {
    const offset = block * 4
    let k = bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)
    k = Math.imul(k, c1)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, c2)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  const tailOffset = blockCount * 4
  let k = 0
  switch (bytes.length & 3) {
    case 3:
      k ^= bytes[tailOffset + 2]! << 16
    // falls through
    case 2:
      k ^= bytes[tailOffset + 1]! << 8
    // falls through
    case 1:
      k ^= bytes[tailOffset]!
      k = Math.imul(k, c1)
      k = (k << 15) | (k >>> 17)
      k = Math.imul(k, c2)
      h ^= k
  }
  h ^= bytes.length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Unleash convention: bucket 1..100; a subject is in when bucket <= percent. */
export function rolloutBucket(flagKey: string, subjectId: string): number {
  return (murmurhash3x86_32(`${flagKey}:${subjectId}`, 0) % 100) + 1
}
