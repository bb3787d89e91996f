import { describe, expect, it } from 'vitest';
import { ToolRuleSolver } from './tool-rules.js';

const TOOLS = ['search', 'fetch', 'summarize', 'finish', 'check'];
const allowed = (solver: ToolRuleSolver) => {
  const choice = solver.choiceFor(TOOLS);
  return { allowed: choice.allowed ? [...choice.allowed].sort() : null, mustCall: choice.mustCall };
};

describe('ToolRuleSolver', () => {
  it('leaves every tool open without rules', () => {
    const solver = new ToolRuleSolver([]);
    expect(allowed(solver)).toEqual({ allowed: null, mustCall: false });
    solver.register('search', 'x');
    expect(allowed(solver)).toEqual({ allowed: null, mustCall: false });
  });

  it('run_first: only the first tools before any call, with their fixed arguments', () => {
    const solver = new ToolRuleSolver([{ type: 'run_first', tool_name: 'search', args: { query: 'boot' } }]);
    expect(allowed(solver)).toEqual({ allowed: ['search'], mustCall: true });
    expect(solver.prefilledArgs('search')).toEqual({ query: 'boot' });
    solver.register('search', 'found');
    expect(allowed(solver)).toEqual({ allowed: null, mustCall: false });
    expect(solver.prefilledArgs('search')).toBeUndefined();
  });

  it('constrain_child_tools: after the parent only its children, with arg nodes', () => {
    const solver = new ToolRuleSolver([{ type: 'constrain_child_tools', tool_name: 'search', children: ['fetch', 'summarize'], child_arg_nodes: [{ name: 'fetch', args: { limit: 1 } }] }]);
    solver.register('search', 'r');
    expect(allowed(solver)).toEqual({ allowed: ['fetch', 'summarize'], mustCall: true });
    expect(solver.prefilledArgs('fetch')).toEqual({ limit: 1 });
    expect(solver.forcesContinue('search')).toBe(true);
    solver.register('fetch', 'page');
    expect(allowed(solver)).toEqual({ allowed: null, mustCall: false });
  });

  it('conditional: the output picks the next tool, typed keys compare as values', () => {
    const rule = { type: 'conditional', tool_name: 'check', child_output_mapping: { true: 'finish', '3': 'summarize', retry: 'search' }, default_child: 'fetch' };
    const after = (output: string) => {
      const solver = new ToolRuleSolver([rule]);
      solver.register('check', output);
      return allowed(solver).allowed;
    };
    expect(after('True')).toEqual(['finish']);
    expect(after('3.0')).toEqual(['summarize']);
    expect(after(JSON.stringify({ status: 'OK', message: 'retry' }))).toEqual(['search']);
    expect(after('something else')).toEqual(['fetch']);
    const strict = new ToolRuleSolver([{ type: 'conditional', tool_name: 'check', child_output_mapping: { yes: 'finish' }, require_output_mapping: true }]);
    strict.register('check', 'no');
    expect(allowed(strict)).toEqual({ allowed: [], mustCall: false });
  });

  it('max_count_per_step and parent_last_tool narrow what is allowed', () => {
    const solver = new ToolRuleSolver([
      { type: 'max_count_per_step', tool_name: 'search', max_count_limit: 2 },
      { type: 'parent_last_tool', tool_name: 'search', children: ['summarize'] },
    ]);
    expect(allowed(solver).allowed).toEqual(['check', 'fetch', 'finish', 'search']);
    solver.register('search', 'a');
    expect(allowed(solver).allowed).toBeNull();
    solver.register('search', 'b');
    expect(allowed(solver).allowed).toEqual(['check', 'fetch', 'finish', 'summarize']);
    expect(allowed(solver).mustCall).toBe(false);
  });

  it('names terminal, continue and required tools', () => {
    const solver = new ToolRuleSolver([
      { type: 'exit_loop', tool_name: 'finish' },
      { type: 'continue_loop', tool_name: 'fetch' },
      { type: 'required_before_exit', tool_name: 'check' },
    ]);
    expect([solver.isTerminal('finish'), solver.isTerminal('fetch')]).toEqual([true, false]);
    expect([solver.forcesContinue('fetch'), solver.forcesContinue('finish')]).toEqual([true, false]);
    expect(solver.uncalledRequired(TOOLS)).toEqual(['check']);
    solver.register('check', 'ok');
    expect(solver.uncalledRequired(TOOLS)).toEqual([]);
  });
});
