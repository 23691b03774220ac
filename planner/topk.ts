// The k best candidate plans seen so far, kept sorted best first.
//
// Every strategy orders plans by the key (primary, overage, tableCount, ids) where `primary` is the
// strategy's integer cost (planner/strategies.ts) and `ids` are the table ids in ascending
// JavaScript string order, compared element by element. Ids are represented by their rank in that
// order (planner/floor.ts), so comparing ranks compares ids.

export interface Candidate {
  primary: number
  overage: number
  count: number
  /** id ranks, ascending */
  ranks: number[]
  capacity: number
  zone: number
}

export class TopK {
  readonly k: number
  readonly items: Candidate[] = []
  /** key of the k-th item once full; +Infinity before */
  worstPrimary = Number.POSITIVE_INFINITY
  worstOverage = Number.POSITIVE_INFINITY
  worstCount = Number.POSITIVE_INFINITY

  constructor(k: number) {
    this.k = k
  }

  /**
   * Can a set whose key is bounded below by (primary, overage, count) still enter? Componentwise
   * lower bounds give a lexicographic lower bound, so `false` proves that every set of the branch
   * is worse than the current k-th (ties on all three may still win on ids: they are admitted).
   */
  admits(primary: number, overage: number, count: number): boolean {
    if (primary !== this.worstPrimary) return primary < this.worstPrimary
    if (overage !== this.worstOverage) return overage < this.worstOverage
    return count <= this.worstCount
  }

  /**
   * Offer a valid plan of `count` tables whose id ranks are ranks[0..count) in any order. The
   * caller's `ranks` buffer is sorted in place; it is copied if the plan enters.
   */
  offer(primary: number, overage: number, count: number, ranks: Int32Array, capacity: number, zone: number): boolean {
    if (!this.admits(primary, overage, count)) return false
    for (let i = 1; i < count; i++) {
      const x = ranks[i] as number
      let j = i - 1
      while (j >= 0 && (ranks[j] as number) > x) {
        ranks[j + 1] = ranks[j] as number
        j--
      }
      ranks[j + 1] = x
    }
    const items = this.items
    const full = items.length === this.k
    if (full && primary === this.worstPrimary && overage === this.worstOverage && count === this.worstCount) {
      if (compareRanks(ranks, count, (items[items.length - 1] as Candidate).ranks) >= 0) return false
    }
    const sorted: number[] = new Array<number>(count)
    for (let i = 0; i < count; i++) sorted[i] = ranks[i] as number
    const cand: Candidate = { primary, overage, count, ranks: sorted, capacity, zone }
    let i = items.length
    while (i > 0 && compare(cand, items[i - 1] as Candidate) < 0) i--
    items.splice(i, 0, cand)
    if (items.length > this.k) items.pop()
    if (items.length === this.k) {
      const last = items[items.length - 1] as Candidate
      this.worstPrimary = last.primary
      this.worstOverage = last.overage
      this.worstCount = last.count
    }
    return true
  }
}

function compareRanks(a: Int32Array, n: number, b: number[]): number {
  for (let i = 0; i < n; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (x !== y) return x - y
  }
  return 0
}

export function compare(a: Candidate, b: Candidate): number {
  if (a.primary !== b.primary) return a.primary < b.primary ? -1 : 1
  if (a.overage !== b.overage) return a.overage < b.overage ? -1 : 1
  if (a.count !== b.count) return a.count - b.count
  const n = Math.min(a.ranks.length, b.ranks.length)
  for (let i = 0; i < n; i++) {
    const x = a.ranks[i] as number
    const y = b.ranks[i] as number
    if (x !== y) return x - y
  }
  return a.ranks.length - b.ranks.length
}
