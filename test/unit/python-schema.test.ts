import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivePythonToolSchema, PythonSchemaError } from '../../src/tools/python-schema.js';

describe('derivePythonToolSchema', () => {
  it('reads the name, summary and Args descriptions of a simple function', async () => {
    const schema = await derivePythonToolSchema(`
def get_weather(city: str, days: int) -> str:
    """
    Look up the weather
    for a city.

    Args:
        city (str): The city's name.
        days: How many days
            to forecast.

    Returns:
        str: The forecast.
    """
    return "sunny"
`);
    expect(schema).toEqual({
      name: 'get_weather',
      description: 'Look up the weather for a city.',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', description: "The city's name." },
          days: { type: 'integer', description: 'How many days to forecast.' },
        },
        required: ['city', 'days'],
      },
    });
  });

  it('maps Optional, List, Literal, dict, unions with None and defaults', async () => {
    const schema = await derivePythonToolSchema(`
from typing import Any, Dict, List, Literal, Optional

def roll(sides: int, times: Optional[int] = 1, mode: Literal['sum', 'max'] = 'sum', tags: List[str] = None,
         grid: list[list[float]] = None, extra: Dict[str, Any] = None, loose: list = None, anything: Any = None,
         *args, note: str | None, flag: bool = False, **kwargs) -> str:
    """Roll dice."""
`);
    expect(schema.parameters).toEqual({
      type: 'object',
      properties: {
        sides: { type: 'integer' },
        times: { type: 'integer' },
        mode: { type: 'string', enum: ['sum', 'max'] },
        tags: { type: 'array', items: { type: 'string' } },
        grid: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
        extra: { type: 'object' },
        loose: { type: 'array' },
        anything: {},
        note: { type: 'string' },
        flag: { type: 'boolean' },
      },
      required: ['sides', 'note'],
    });
  });

  it('takes types from the docstring when a parameter has no annotation', async () => {
    const schema = await derivePythonToolSchema(`
def f(a, b, c: "not ( valid", d: int):
    """Do f.

    Args:
        a (bool): A flag.
        b (List[int], optional): Numbers.
        c: Unparsable annotation.
        d (str): The annotation wins.
    """
`);
    expect(schema.parameters.properties).toEqual({
      a: { type: 'boolean', description: 'A flag.' },
      b: { type: 'array', items: { type: 'integer' }, description: 'Numbers.' },
      c: { description: 'Unparsable annotation.' },
      d: { type: 'integer', description: 'The annotation wins.' },
    });
  });

  it('takes the last top-level function, or the one named', async () => {
    const source = `
def first(a: str):
    """First."""

class Helper:
    def method(self, z: int):
        pass

def second(b: dict, c: float = 0.5):
    def inner(q):
        pass
`;
    const last = await derivePythonToolSchema(source);
    expect(last).toEqual({
      name: 'second',
      description: '',
      parameters: { type: 'object', properties: { b: { type: 'object' }, c: { type: 'number' } }, required: ['b'] },
    });
    const named = await derivePythonToolSchema(source, 'first');
    expect(named).toMatchObject({ name: 'first', description: 'First.', parameters: { required: ['a'] } });
    await expect(derivePythonToolSchema(source, 'inner')).rejects.toThrow(/no top-level function named "inner"/);
  });

  it('leaves out self and agent_state', async () => {
    const schema = await derivePythonToolSchema(`
def remember(self, agent_state: "AgentState", fact: str) -> None:
    """Remember a fact.

    Args:
        agent_state (AgentState): The agent.
        fact (str): What to remember.
    """
`);
    expect(schema.parameters).toEqual({
      type: 'object',
      properties: { fact: { type: 'string', description: 'What to remember.' } },
      required: ['fact'],
    });
  });

  it('names the line of a syntax error', async () => {
    const error = await derivePythonToolSchema('import os\n\ndef broken(:\n    pass\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonSchemaError);
    expect((error as Error).message).toMatch(/^source_code: Python syntax error on line 3: /);
  });

  it('refuses source without a function definition', async () => {
    const error = await derivePythonToolSchema('x = 1\nprint(x)\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonSchemaError);
    expect((error as Error).message).toBe('source_code: no top-level function definition found');
  });

  it('never runs the source', async () => {
    const marker = join(tmpdir(), `mnemo-pwned-${process.pid}`);
    rmSync(marker, { force: true });
    const schema = await derivePythonToolSchema(`
open(${JSON.stringify(marker)}, 'w').write('ran')

def f(x: int = open(${JSON.stringify(marker)}, 'w').write('ran')):
    pass
`);
    expect(schema.name).toBe('f');
    expect(existsSync(marker)).toBe(false);
  });

  it('asks for json_schema when python3 is not on the server', async () => {
    const savedPath = process.env.PATH;
    const emptyDir = mkdtempSync(join(tmpdir(), 'mnemo-no-python-'));
    process.env.PATH = emptyDir;
    try {
      const error = await derivePythonToolSchema('def f():\n    pass\n').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PythonSchemaError);
      expect((error as Error).message).toMatch(/needs python3 on the server.*json_schema/);
    } finally {
      process.env.PATH = savedPath;
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('refuses source over the size limit without starting python3', async () => {
    await expect(derivePythonToolSchema(`def f():\n    pass\n${'#'.repeat(1_000_001)}`)).rejects.toBeInstanceOf(PythonSchemaError);
  });
});
