import { posix } from 'node:path';
import type { Block } from '../domain/block.js';

/** A skill the client offers with one request (letta-code sends its skills this way). */
export interface ClientSkill {
  name: string;
  description: string;
  location: string;
}

type Tree = { [name: string]: Tree | string };

/** The root a skill's location is listed under, and its path below that root. */
function skillRoot(name: string, location: string): [string, string] {
  const path = location.trim();
  if (path.endsWith('/SKILL.md')) {
    const skillDir = posix.dirname(path);
    if (posix.basename(skillDir) === name.split('/').at(-1)) return [posix.dirname(skillDir), posix.relative(posix.dirname(skillDir), path)];
  }
  return [posix.dirname(path), posix.basename(path)];
}

function renderTree(node: Tree, prefix: string, out: string[]): void {
  const dirs = Object.keys(node).filter((key) => typeof node[key] !== 'string').sort();
  const files = Object.keys(node).filter((key) => typeof node[key] === 'string').sort();
  const entries = [...dirs, ...files];
  entries.forEach((name, index) => {
    const last = index === entries.length - 1;
    const value = node[name]!;
    if (typeof value === 'string') {
      out.push(`${prefix}${last ? '└── ' : '├── '}${name}${value ? ` (${value})` : ''}`);
    } else {
      out.push(`${prefix}${last ? '└── ' : '├── '}${name}/`);
      renderTree(value, prefix + (last ? '    ' : '│   '), out);
    }
  });
}

/**
 * Letta's `<available_skills>` section: the agent's `skills/<name>` blocks and the request's client
 * skills, as a file tree per location root. It is added to the system prompt of one request only,
 * never stored. Empty when there are no skills.
 */
export function renderAvailableSkills(blocks: Block[], clientSkills: ClientSkill[]): string {
  const entries: [string, string, string][] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    const parts = block.label.split('/');
    if (parts[0] !== 'skills' || parts.length < 2) continue;
    const name = parts[1]!;
    const topLevel = parts.length === 2 || (parts.length === 3 && parts[2] === 'SKILL');
    if (!topLevel || seen.has(name)) continue;
    seen.add(name);
    entries.push([name, (block.description ?? '').trim().split('\n')[0]!.trim(), `\${MEMORY_DIR}/skills/${name}/SKILL.md`]);
  }
  for (const skill of clientSkills) {
    if (seen.has(skill.name)) continue;
    seen.add(skill.name);
    entries.push([skill.name, skill.description.trim().split('\n')[0]!.trim(), skill.location.trim() || `\${MEMORY_DIR}/skills/${skill.name}/SKILL.md`]);
  }
  if (!entries.length) return '';
  const roots = new Map<string, [string, string][]>();
  for (const [name, description, location] of entries) {
    const [root, relative] = skillRoot(name, location);
    roots.set(root, [...(roots.get(root) ?? []), [relative, description]]);
  }
  const out = ['<available_skills>'];
  [...roots.keys()].sort().forEach((root, index, all) => {
    out.push(root);
    const tree: Tree = {};
    for (const [relative, description] of roots.get(root)!.sort((a, b) => a[0].localeCompare(b[0]))) {
      const parts = relative.split('/').filter(Boolean);
      let node = tree;
      for (const part of parts.slice(0, -1)) node = (typeof node[part] === 'object' ? node[part] : (node[part] = {})) as Tree;
      if (parts.length) node[parts.at(-1)!] = description;
    }
    renderTree(tree, '', out);
    if (index !== all.length - 1) out.push('');
  });
  out.push('</available_skills>');
  return out.join('\n');
}
