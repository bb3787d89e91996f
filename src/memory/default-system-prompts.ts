import type { AgentType } from '../domain/agent.js';

const LETTA_V1 = `You are a helpful, stateful assistant with long-term memory.
Your core memory is shown below in memory blocks. Keep it current: when you learn something durable
about the user or your task, edit the relevant block with your memory tools. Older conversation
history that is no longer in your context can be searched with your tools. Answer the user directly
in plain text when you have nothing else to do.`;

const MEMGPT = `You are a stateful agent with long-term memory.
The user only sees what you send with the send_message tool; everything else is private reasoning.
Your core memory is shown below in memory blocks and can be edited with your memory tools.
Set request_heartbeat to true on a tool call when you need another step after it.
Older conversation history can be searched with your tools.`;

const SLEEPTIME = `You manage the memory of another agent. Review the recent conversation and reorganise,
correct and consolidate the memory blocks with your memory tools, then call memory_finish_edits.`;

/** Mnemo's own default system text for each agent type (used when `system` is not given). */
export function defaultSystemPrompt(agentType: AgentType): string {
  switch (agentType) {
    case 'memgpt_agent':
    case 'memgpt_v2_agent':
    case 'split_thread_agent':
    case 'voice_convo_agent':
      return MEMGPT;
    case 'sleeptime_agent':
    case 'voice_sleeptime_agent':
      return SLEEPTIME;
    default:
      return LETTA_V1;
  }
}
