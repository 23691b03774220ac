/**
 * Okabe-Ito: eight colours people with the common colour-vision deficiencies can tell apart.
 * Series also differ by dash pattern where several lines share a chart, so no chart depends on
 * colour alone.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const

export const PERCENTILE_PALETTE = { p50: PALETTE[0], p90: PALETTE[2], p95: PALETTE[1], p99: PALETTE[5] } as const

export const DASHES = ['', '6 3', '2 2', '8 3 2 3', '4 4', '1 3'] as const

export const colorAt = (index: number) => PALETTE[index % PALETTE.length]!
export const dashAt = (index: number) => DASHES[index % DASHES.length]!
