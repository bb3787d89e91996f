import type { ModelResponse } from '../providers/model-client.js';
import type { ExecutedCall } from './agent-loop.js';
import type { StopReason } from './stop-reasons.js';

export interface StepRules {
  /** memgpt-style agents: a step continues only when a tool asks for a heartbeat. */
  heartbeats: boolean;
  /** Tools whose call ends the turn (exit_loop). */
  terminalTools: ReadonlySet<string>;
  /** Tools after which the loop always goes on (continue_loop). */
  continueTools: ReadonlySet<string>;
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

/** After a step: stop (and why), or go on (with the heartbeat reason memgpt agents are told). */
export function decideAfterStep(response: ModelResponse, executed: ExecutedCall[], rules: StepRules): StepDecision {
  if (!executed.length) {
    if (response.finishReason.unified === 'length') return { continue: false, stopReason: 'max_tokens_exceeded' };
    return { continue: false, stopReason: rules.heartbeats ? 'no_tool_call' : 'end_turn' };
  }
  if (executed.some(({ call }) => rules.terminalTools.has(call.name))) return { continue: false, stopReason: 'tool_rule' };
  if (!rules.heartbeats) return { continue: true, heartbeat: null };
  if (executed.some((call) => !call.outcome.ok)) return { continue: true, heartbeat: 'Function call failed, returning control' };
  if (executed.some(({ call }) => rules.continueTools.has(call.name))) return { continue: true, heartbeat: 'Continuing: a tool rule requires another step' };
  if (executed.some(requestedHeartbeat)) return { continue: true, heartbeat: 'Function called using request_heartbeat=true, returning control' };
  return { continue: false, stopReason: 'end_turn' };
}
