import type { AssignmentDeps } from '../../assignment-deps.ts'
import { commitDecision } from '../../steps/commit.ts'
import { decideLegacy } from '../../steps/decide.ts'
import type { AssignmentPipeline } from '../pipeline.ts'

/**
 * The legacy pipeline: optimal_fit with the retry policy's knobs, plans in the planner's order.
 * Its loop lives in the inline step (inline.ts) and the background job (auto-assign-job.ts), which
 * run one `runAssignmentAttempt` (decide + commit) per attempt.
 */
export function createLegacyPipeline(deps: AssignmentDeps): AssignmentPipeline {
  return {
    name: 'legacy',
    decide: (booking, snapshot, options) => decideLegacy(deps, booking, snapshot, options),
    commit: (booking, decision, options) => commitDecision(deps, booking, decision, options),
  }
}
