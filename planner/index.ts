// Public entry of the planner: pure, deterministic table-combination search (CONTRACT.md §2).
export { quoteTables } from './quote'
export { explainQuote } from './explain'
export type { TableSpec, BusyWindow, QuoteInput, Plan, Quote, PlannerReason, PlannerStats, StrategyName } from './types'
export { STRATEGIES } from './types'
export type { ExplainInput, Explanation, TableExplanation, ExclusionReason } from './explain'
export { findReseating } from './reseat'
export type { ReseatInput, ReseatResult, ReseatMove, MovableBooking, ReseatStats } from './reseat'
