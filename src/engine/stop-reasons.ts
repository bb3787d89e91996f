export type StopReason =
  | 'end_turn'
  | 'max_steps'
  | 'tool_rule'
  | 'requires_approval'
  | 'error'
  | 'llm_api_error'
  | 'invalid_llm_response'
  | 'invalid_tool_call'
  | 'no_tool_call'
  | 'max_tokens_exceeded'
  | 'context_window_overflow_in_system_prompt'
  | 'cancelled';

export type RunStatus = 'created' | 'running' | 'completed' | 'failed' | 'cancelled';

/** The run status each stop reason gives. */
export function runStatusFor(stopReason: StopReason): RunStatus {
  switch (stopReason) {
    case 'end_turn':
    case 'max_steps':
    case 'tool_rule':
    case 'requires_approval':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'failed';
  }
}
