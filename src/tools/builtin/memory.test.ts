import { describe, expect, it } from 'vitest';
import { applyMemoryEdit, ToolFailure } from './memory.js';

describe('applyMemoryEdit', () => {
  it('inserts at the end by default and at a given line', () => {
    expect(applyMemoryEdit('memory_insert', { label: 'h', new_string: 'c' }, 'a\nb')).toBe('a\nb\nc');
    expect(applyMemoryEdit('memory_insert', { label: 'h', new_string: 'x', insert_line: 1 }, 'a\nb')).toBe('a\nx\nb');
    expect(applyMemoryEdit('memory_insert', { label: 'h', new_string: 'first' }, '')).toBe('first');
    expect(() => applyMemoryEdit('memory_insert', { label: 'h', new_string: 'x', insert_line: 9 }, 'a')).toThrow(ToolFailure);
  });

  it('replaces one exact occurrence and refuses absent, ambiguous or line-numbered text', () => {
    expect(applyMemoryEdit('memory_replace', { label: 'h', old_string: 'tea', new_string: 'coffee' }, 'likes tea')).toBe('likes coffee');
    expect(() => applyMemoryEdit('memory_replace', { label: 'h', old_string: 'milk', new_string: 'x' }, 'likes tea')).toThrow(/not found/);
    expect(() => applyMemoryEdit('memory_replace', { label: 'h', old_string: 'a', new_string: 'x' }, 'a a')).toThrow(/2 times/);
    expect(() => applyMemoryEdit('memory_replace', { label: 'h', old_string: '1→ likes', new_string: 'x' }, 'likes')).toThrow(/line-number/);
    expect(applyMemoryEdit('memory_replace', { label: 'h', old_string: 'x', new_string: '$&$&' }, 'x')).toBe('$&$&');
  });

  it('rewrites, appends and replaces all for the core memory tools', () => {
    expect(applyMemoryEdit('memory_rethink', { label: 'h', new_memory: 'new' }, 'old')).toBe('new');
    expect(applyMemoryEdit('core_memory_append', { label: 'h', content: 'b' }, 'a')).toBe('a\nb');
    expect(applyMemoryEdit('core_memory_replace', { label: 'h', old_content: 'a', new_content: 'b' }, 'a-a')).toBe('b-b');
    expect(() => applyMemoryEdit('core_memory_replace', { label: 'h', old_content: 'z', new_content: 'b' }, 'a')).toThrow(ToolFailure);
  });
});

describe('limitToolResult', () => {
  it('keeps short results and cuts long ones with a note naming the limit', async () => {
    const { limitToolResult } = await import('./executor.js');
    expect(limitToolResult('short', 10)).toBe('short');
    const cut = limitToolResult('x'.repeat(25), 10);
    expect(cut.startsWith('x'.repeat(10))).toBe(true);
    expect(cut).toContain('25 characters');
    expect(cut).toContain('limit is 10');
  });
});
