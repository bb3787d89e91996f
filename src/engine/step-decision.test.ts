import { describe, expect, it } from 'vitest';
import type { ModelResponse } from '../providers/model-client.js';
import type { ExecutedCall } from './agent-loop.js';
import { decideAfterStep, type StepRules } from './step-decision.js';

const response = (finish: 'stop' | 'length' = 'stop'): ModelResponse => ({
  text: '',
  reasoning: [],
  toolCalls: [],
  finishReason: { unified: finish, raw: finish },
  usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
  warnings: [],
});
const call = (name: string, args: Record<string, unknown> = {}, ok = true): ExecutedCall => ({ call: { id: `c-${name}`, name, arguments: JSON.stringify(args) }, outcome: { ok, result: '' } });
const v1: StepRules = { heartbeats: false, terminalTools: new Set(['finish']), continueTools: new Set() };
const memgpt: StepRules = { heartbeats: true, terminalTools: new Set(['send_message']), continueTools: new Set(['always_more']) };

describe('decideAfterStep', () => {
  it('letta_v1: a reply without tools ends the turn; any tool call goes on unless terminal', () => {
    expect(decideAfterStep(response(), [], v1)).toEqual({ continue: false, stopReason: 'end_turn' });
    expect(decideAfterStep(response('length'), [], v1)).toEqual({ continue: false, stopReason: 'max_tokens_exceeded' });
    expect(decideAfterStep(response(), [call('search', {}, false)], v1)).toEqual({ continue: true, heartbeat: null });
    expect(decideAfterStep(response(), [call('search'), call('finish')], v1)).toEqual({ continue: false, stopReason: 'tool_rule' });
  });

  it('memgpt: goes on only for a heartbeat request, a failed tool or a continue rule', () => {
    expect(decideAfterStep(response(), [], memgpt)).toEqual({ continue: false, stopReason: 'no_tool_call' });
    expect(decideAfterStep(response(), [call('memory_insert', { request_heartbeat: false })], memgpt)).toEqual({ continue: false, stopReason: 'end_turn' });
    expect(decideAfterStep(response(), [call('memory_insert', { request_heartbeat: true })], memgpt)).toMatchObject({ continue: true, heartbeat: expect.stringContaining('request_heartbeat=true') });
    expect(decideAfterStep(response(), [call('memory_insert', {}, false)], memgpt)).toMatchObject({ continue: true, heartbeat: expect.stringContaining('failed') });
    expect(decideAfterStep(response(), [call('always_more')], memgpt)).toMatchObject({ continue: true });
    expect(decideAfterStep(response(), [call('send_message', { request_heartbeat: true })], memgpt)).toEqual({ continue: false, stopReason: 'tool_rule' });
  });
});
