import type { FinishReason } from '../providers/model-client.js';
import type { ExecutedCall } from './agent-loop.js';
import type { StopReason } from './stop-reasons.js';
import type { ToolRuleSolver } from './tool-rules.js';

export interface StepRules {
  /** memgpt-style agents: a step continues only when a tool asks for a heartbeat. */
  heartbeats: boolean;
  solver: ToolRuleSolver;
  /** Every tool the agent has, for required-before-exit rules. */
  available: string[];
}

export type StepDecision = { continue: false; stopReason: StopReason } | { continue: true; heartbeat: string | null };

function requestedHeartbeat(call: ExecutedCall): boolean {
  try {
    const value = (JSON.parse(call.call.arguments || '{}') as Record<string, unknown>).request_heartbeat;
    return value === true || value === 'true';
  } catch {
    return false;
  }
}

/**
 * After a step (whose calls the solver has registered): stop, and why, or go on, with the heartbeat
 * the model is told. A turn may not end while a required-before-exit tool is uncalled.
 */
export function decideAfterStep(finishReason: FinishReason, executed: ExecutedCall[], rules: StepRules): StepDecision {
  const uncalled = rules.solver.uncalledRequired(rules.available);
  const stop = (stopReason: StopReason): StepDecision =>
    uncalled.length ? { continue: true, heartbeat: `Continuing: you must call ${uncalled.join(', ')} at least once before ending your turn` } : { continue: false, stopReason };

  if (!executed.length) {
    if (finishReason.unified === 'length') return { continue: false, stopReason: 'max_tokens_exceeded' };
    return stop(rules.heartbeats ? 'no_tool_call' : 'end_turn');
  }
  const ran = executed.filter((call) => !call.refused);
  if (ran.some(({ call }) => rules.solver.isTerminal(call.name))) return stop('tool_rule');
  if (executed.some((call) => call.refused)) return { continue: true, heartbeat: rules.heartbeats ? 'Continuing: tool rule violation' : null };
  if (!rules.heartbeats) return { continue: true, heartbeat: null };
  if (executed.some((call) => !call.outcome.ok)) return { continue: true, heartbeat: 'Function call failed, returning control' };
  if (ran.some(({ call }) => rules.solver.forcesContinue(call.name))) return { continue: true, heartbeat: 'Continuing: a tool rule requires another step' };
  if (executed.some(requestedHeartbeat)) return { continue: true, heartbeat: 'Function called using request_heartbeat=true, returning control' };
  return stop('end_turn');
}
