import { BadRequestError, NotImplementedError, ValidationError, type ValidationIssue } from '../errors.js';
import { agentFileSchema, type AgentFile } from './schema.js';

/** `['agents', 0, 'id']` → `agents[0].id`. */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

/** Keys only the legacy single-agent format (Letta's `AgentSchema`, "v1") has at the top. */
const LEGACY_KEYS = ['core_memory', 'in_context_message_indices'];

/**
 * Reads an uploaded agent file: JSON (also JSON encoded twice, as some clients send it), in Letta's
 * multi-entity format, with consistent references. Every problem is reported with its path before
 * anything is written.
 */
export function parseAgentFile(text: string): AgentFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
    if (typeof json === 'string') json = JSON.parse(json);
  } catch (error) {
    throw new BadRequestError(`file: the agent file is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw ValidationError.field('file', 'must be a JSON object with an "agents" list');
  if (!('agents' in json) && LEGACY_KEYS.some((key) => key in json)) throw new NotImplementedError('Importing the legacy single-agent (v1) agent file format');
  const parsed = agentFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((issue) => ({ path: pathText(['file', ...issue.path]), message: issue.message })));
  }
  const issues = referenceIssues(parsed.data);
  if (issues.length) throw new ValidationError(issues);
  return parsed.data;
}

/** Duplicate ids anywhere in the file, references to ids the file does not define, and mismatched links. */
function referenceIssues(file: AgentFile): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, string>();
  const define = (id: string, path: string) => {
    const first = seen.get(id);
    if (first) issues.push({ path, message: `duplicate id "${id}" (already used at ${first})` });
    else seen.set(id, path);
  };
  const collections = { agents: file.agents, groups: file.groups, blocks: file.blocks, files: file.files, sources: file.sources, tools: file.tools, mcp_servers: file.mcp_servers };
  for (const [name, entities] of Object.entries(collections)) entities.forEach((entity, index) => define(entity.id, `file.${name}[${index}].id`));
  file.agents.forEach((agent, a) => agent.messages.forEach((message, m) => define(message.id, `file.agents[${a}].messages[${m}].id`)));

  const ids = (list: { id: string }[]) => new Set(list.map((entity) => entity.id));
  const tools = ids(file.tools);
  const sources = ids(file.sources);
  const groups = ids(file.groups);
  const files = new Map(file.files.map((entry) => [entry.id, entry]));
  const blockById = new Map(file.blocks.map((block) => [block.id, block]));
  const refer = (known: Set<string> | Map<string, unknown>, id: string, path: string, kind: string) => {
    if (!known.has(id)) issues.push({ path, message: `refers to ${kind} "${id}", which the file does not define` });
  };

  /** Flags each item whose key an earlier one already had: the store holds these unique. */
  const unique = <T>(items: T[], keyOf: (item: T) => string | undefined, pathOf: (index: number) => string, say: (key: string, first: string) => string) => {
    const first = new Map<string, string>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      if (key === undefined) return;
      const earlier = first.get(key);
      if (earlier) issues.push({ path: pathOf(index), message: say(key, earlier) });
      else first.set(key, pathOf(index));
    });
  };
  unique(file.tools, (tool) => tool.name, (index) => `file.tools[${index}].name`, (name, first) => `duplicate tool name "${name}" (also ${first})`);
  unique(file.sources, (source) => source.name, (index) => `file.sources[${index}].name`, (name, first) => `duplicate source name "${name}" (also ${first})`);
  unique(
    file.files,
    (entry) => `${entry.source_id}\u0000${entry.file_name}`,
    (index) => `file.files[${index}].file_name`,
    (key, first) => `duplicate file name "${key.split('\u0000')[1]}" in source "${key.split('\u0000')[0]}" (also ${first})`,
  );
  file.files.forEach((entry, index) => refer(sources, entry.source_id, `file.files[${index}].source_id`, 'source'));

  file.agents.forEach((agent, a) => {
    const at = `file.agents[${a}]`;
    agent.tool_ids?.forEach((id, i) => refer(tools, id, `${at}.tool_ids[${i}]`, 'tool'));
    agent.block_ids?.forEach((id, i) => refer(blockById, id, `${at}.block_ids[${i}]`, 'block'));
    agent.source_ids?.forEach((id, i) => refer(sources, id, `${at}.source_ids[${i}]`, 'source'));
    agent.folder_ids?.forEach((id, i) => refer(sources, id, `${at}.folder_ids[${i}]`, 'source'));
    agent.group_ids?.forEach((id, i) => refer(groups, id, `${at}.group_ids[${i}]`, 'group'));
    const messages = ids(agent.messages);
    agent.in_context_message_ids.forEach((id, i) => refer(messages, id, `${at}.in_context_message_ids[${i}]`, 'message (of this agent)'));
    unique(agent.files_agents, (link) => link.file_id, (i) => `${at}.files_agents[${i}].file_id`, (id, first) => `duplicate view of file "${id}" (also ${first})`);
    agent.files_agents.forEach((link, i) => {
      const path = `${at}.files_agents[${i}]`;
      refer(files, link.file_id, `${path}.file_id`, 'file');
      refer(sources, link.source_id, `${path}.source_id`, 'source');
      const target = files.get(link.file_id);
      if (target && target.source_id !== link.source_id) issues.push({ path: `${path}.source_id`, message: `is "${link.source_id}" but file "${link.file_id}" belongs to source "${target.source_id}"` });
      if (link.agent_id !== agent.id) issues.push({ path: `${path}.agent_id`, message: `is "${link.agent_id}" but the link sits under agent "${agent.id}"` });
    });
    const held = [
      ...(agent.block_ids ?? []).map((id, i) => ({ label: blockById.get(id)?.label, path: `${at}.block_ids[${i}]` })),
      ...(agent.memory_blocks ?? []).map((block, i) => ({ label: block.label, path: `${at}.memory_blocks[${i}].label` })),
    ];
    unique(held, (block) => block.label, (i) => held[i]!.path, (label, first) => `duplicate block label "${label}" (also ${first}): an agent holds at most one block per label`);
  });
  return issues;
}
