import type { ToolRule } from '../domain/agent.js';

/** What the model may call next, and whether it must call something. */
export interface ToolChoiceForStep {
  /** Tools the model may call; `null` when the rules leave every tool open. */
  allowed: Set<string> | null;
  /** A run-first, child or conditional rule names what comes next: a tool call is expected. */
  mustCall: boolean;
}

type Rule<T extends string> = ToolRule & { type: T };

function rulesOf<T extends string>(rules: ToolRule[], type: T): Rule<T>[] {
  return rules.filter((rule): rule is Rule<T> => rule.type === type);
}

/** A tool's output as the conditional rule compares it: the `message` of a packaged result, else the text. */
function outputValue(output: string): string {
  try {
    const parsed = JSON.parse(output) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) return String((parsed as { message: unknown }).message);
  } catch {
    // Plain text output.
  }
  return output;
}

/** Whether an output matches a mapping key, comparing as booleans or numbers when the key is one. */
function matchesKey(output: string, key: string): boolean {
  const value = output.trim();
  const lowered = key.trim().toLowerCase();
  if (lowered === 'true' || lowered === 'false') return value.toLowerCase() === lowered;
  if (key.trim() !== '' && !Number.isNaN(Number(key))) return value !== '' && Number(value) === Number(key);
  return value === key;
}

/**
 * Applies an agent's tool rules over one run: which tools the model may call at each step, which
 * calls end the turn or force another step, which must happen before the turn may end, and which
 * arguments rules fill in.
 */
export class ToolRuleSolver {
  private readonly history: { name: string; output: string }[] = [];

  constructor(private readonly rules: ToolRule[]) {}

  /** Remembers a call that ran (a refused call is not registered). */
  register(name: string, output: string): void {
    this.history.push({ name, output });
  }

  get calledAny(): boolean {
    return this.history.length > 0;
  }

  choiceFor(available: string[]): ToolChoiceForStep {
    const last = this.history.at(-1);
    let named: Set<string> | null = null;
    if (!last) {
      const first = rulesOf(this.rules, 'run_first').map((rule) => rule.tool_name);
      if (first.length) named = new Set(first);
    } else {
      named = this.childrenOf(last.name, last.output);
    }
    const allowed = new Set(named ? available.filter((name) => named.has(name)) : available);
    for (const rule of rulesOf(this.rules, 'max_count_per_step')) {
      if (this.countOf(rule.tool_name) >= Number(rule.max_count_limit)) allowed.delete(rule.tool_name);
    }
    for (const rule of rulesOf(this.rules, 'parent_last_tool')) {
      if (last?.name !== rule.tool_name) for (const child of rule.children as string[]) allowed.delete(child);
    }
    if (!named && allowed.size === available.length) return { allowed: null, mustCall: false };
    return { allowed, mustCall: named !== null && allowed.size > 0 };
  }

  /** The tools a child or conditional rule allows after `name`, or null when no such rule applies. */
  private childrenOf(name: string, output: string): Set<string> | null {
    const children = rulesOf(this.rules, 'constrain_child_tools').filter((rule) => rule.tool_name === name);
    if (children.length) return new Set(children.flatMap((rule) => rule.children as string[]));
    const conditional = rulesOf(this.rules, 'conditional').find((rule) => rule.tool_name === name);
    if (!conditional) return null;
    const mapping = conditional.child_output_mapping as Record<string, string>;
    const value = outputValue(output);
    const key = Object.keys(mapping).find((candidate) => matchesKey(value, candidate));
    if (key !== undefined) return new Set([mapping[key]!]);
    if (typeof conditional.default_child === 'string') return new Set([conditional.default_child]);
    // No branch matches: with require_output_mapping nothing may follow, else anything may.
    return conditional.require_output_mapping ? new Set() : null;
  }

  private countOf(name: string): number {
    return this.history.filter((call) => call.name === name).length;
  }

  /** Arguments a run-first rule (before any call) or a child rule's arg node fixes for `name`. */
  prefilledArgs(name: string): Record<string, unknown> | undefined {
    const last = this.history.at(-1);
    if (!last) {
      const first = rulesOf(this.rules, 'run_first').find((rule) => rule.tool_name === name && rule.args);
      return first?.args as Record<string, unknown> | undefined;
    }
    for (const rule of rulesOf(this.rules, 'constrain_child_tools')) {
      if (rule.tool_name !== last.name) continue;
      const node = ((rule.child_arg_nodes ?? []) as { name: string; args?: Record<string, unknown> | null }[]).find((candidate) => candidate.name === name);
      if (node?.args) return node.args;
    }
    return undefined;
  }

  isTerminal(name: string): boolean {
    return rulesOf(this.rules, 'exit_loop').some((rule) => rule.tool_name === name);
  }

  /** A continue rule, or a child/conditional rule naming what comes next, forces another step. */
  forcesContinue(name: string): boolean {
    return this.rules.some(
      (rule) => rule.tool_name === name && (rule.type === 'continue_loop' || rule.type === 'constrain_child_tools' || rule.type === 'conditional'),
    );
  }

  /** Required-before-exit tools (among those available) not yet called in this run. */
  uncalledRequired(available: string[]): string[] {
    const names = new Set(available);
    return rulesOf(this.rules, 'required_before_exit')
      .map((rule) => rule.tool_name)
      .filter((name) => names.has(name) && this.countOf(name) === 0);
  }
}
