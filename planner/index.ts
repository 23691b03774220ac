// Public entry of the planner: pure, deterministic table-combination search (contract: docs/planner.md).
export { quoteTables, quoteTablesWithin } from './quote'
export { explainQuote } from './explain'
export type { TableSpec, BusyWindow, QuoteInput, Plan, Quote, PlannerReason, PlannerStats, StrategyName } from './types'
export { STRATEGIES } from './types'
export type { ExplainInput, Explanation, TableExplanation, ExclusionReason } from './explain'
export { findReseating } from './reseat'
export type { ReseatInput, ReseatResult, ReseatMove, MovableBooking, ReseatStats } from './reseat'
