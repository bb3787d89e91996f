import { describe, expect, it } from 'vitest';
import type { ToolRule } from '../domain/agent.js';
import type { FinishReason } from '../providers/model-client.js';
import type { ExecutedCall } from './agent-loop.js';
import { decideAfterStep, type StepRules } from './step-decision.js';
import { ToolRuleSolver } from './tool-rules.js';

const finish = (unified: 'stop' | 'length' = 'stop'): FinishReason => ({ unified, raw: unified });
const call = (name: string, args: Record<string, unknown> = {}, ok = true): ExecutedCall => ({ call: { id: `c-${name}`, name, arguments: JSON.stringify(args) }, outcome: { ok, result: '' } });
const refused = (name: string): ExecutedCall => ({ ...call(name, {}, false), refused: true });
const rulesFor = (heartbeats: boolean, toolRules: ToolRule[], available = ['search', 'finish', 'send_message', 'memory_insert', 'always_more', 'audit']): StepRules => ({
  heartbeats,
  solver: new ToolRuleSolver(toolRules),
  available,
});
const v1 = () => rulesFor(false, [{ type: 'exit_loop', tool_name: 'finish' }]);
const memgpt = () => rulesFor(true, [{ type: 'exit_loop', tool_name: 'send_message' }, { type: 'continue_loop', tool_name: 'always_more' }]);

describe('decideAfterStep', () => {
  it('letta_v1: a reply without tools ends the turn; any tool call goes on unless terminal', () => {
    expect(decideAfterStep(finish(), [], v1())).toEqual({ continue: false, stopReason: 'end_turn' });
    expect(decideAfterStep(finish('length'), [], v1())).toEqual({ continue: false, stopReason: 'max_tokens_exceeded' });
    expect(decideAfterStep(finish(), [call('search', {}, false)], v1())).toEqual({ continue: true, heartbeat: null });
    expect(decideAfterStep(finish(), [call('search'), call('finish')], v1())).toEqual({ continue: false, stopReason: 'tool_rule' });
  });

  it('memgpt: goes on only for a heartbeat request, a failed tool or a continue rule', () => {
    expect(decideAfterStep(finish(), [], memgpt())).toEqual({ continue: false, stopReason: 'no_tool_call' });
    expect(decideAfterStep(finish(), [call('memory_insert', { request_heartbeat: false })], memgpt())).toEqual({ continue: false, stopReason: 'end_turn' });
    expect(decideAfterStep(finish(), [call('memory_insert', { request_heartbeat: true })], memgpt())).toMatchObject({ continue: true, heartbeat: expect.stringContaining('request_heartbeat=true') });
    expect(decideAfterStep(finish(), [call('memory_insert', {}, false)], memgpt())).toMatchObject({ continue: true, heartbeat: expect.stringContaining('failed') });
    expect(decideAfterStep(finish(), [call('always_more')], memgpt())).toMatchObject({ continue: true });
    expect(decideAfterStep(finish(), [call('send_message', { request_heartbeat: true })], memgpt())).toEqual({ continue: false, stopReason: 'tool_rule' });
  });

  it('a refused call never ends the turn, even when it names a terminal tool', () => {
    expect(decideAfterStep(finish(), [refused('finish')], v1())).toEqual({ continue: true, heartbeat: null });
    expect(decideAfterStep(finish(), [refused('send_message')], memgpt())).toMatchObject({ continue: true, heartbeat: expect.stringContaining('violation') });
  });

  it('a turn may not end while a required-before-exit tool is uncalled', () => {
    const rules = rulesFor(false, [{ type: 'required_before_exit', tool_name: 'audit' }, { type: 'exit_loop', tool_name: 'finish' }]);
    expect(decideAfterStep(finish(), [], rules)).toMatchObject({ continue: true, heartbeat: expect.stringContaining('audit') });
    expect(decideAfterStep(finish(), [call('finish')], rules)).toMatchObject({ continue: true, heartbeat: expect.stringContaining('audit') });
    rules.solver.register('audit', 'done');
    expect(decideAfterStep(finish(), [], rules)).toEqual({ continue: false, stopReason: 'end_turn' });
    // A required tool the agent does not have cannot hold the turn open.
    const missing = rulesFor(false, [{ type: 'required_before_exit', tool_name: 'not_attached' }]);
    expect(decideAfterStep(finish(), [], missing)).toEqual({ continue: false, stopReason: 'end_turn' });
  });
});
