import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derivePythonToolSchema, PythonSchemaError } from '../../src/tools/python-schema.js';

describe('derivePythonToolSchema', () => {
  it('reads name, description, types and required parameters from the signature and docstring', async () => {
    const schema = await derivePythonToolSchema(`
def roll_dice(sides: int, times: Optional[int] = 1, mode: Literal['sum', 'max'] = 'sum', tags: List[str] = None, *, note: str | None, agent_state: "AgentState" = None) -> str:
    """Roll dice and report the result.

    Args:
        sides (int): How many sides
            each die has.
        times: How many times to roll.
        mode: How to combine the rolls.
        tags: Labels.
        note: A note.

    Returns:
        str: the result
    """
    return "x"
`);
    expect(schema).toEqual({
      name: 'roll_dice',
      description: 'Roll dice and report the result.',
      parameters: {
        type: 'object',
        properties: {
          sides: { type: 'integer', description: 'How many sides each die has.' },
          times: { type: 'integer', description: 'How many times to roll.' },
          mode: { type: 'string', enum: ['sum', 'max'], description: 'How to combine the rolls.' },
          tags: { type: 'array', items: { type: 'string' }, description: 'Labels.' },
          note: { type: 'string', description: 'A note.' },
        },
        required: ['sides', 'note'],
      },
    });
  });

  it('takes the last function, or the named one, and types from the docstring when unannotated', async () => {
    const source = `
def first(a):
    """First.

    Args:
        a (bool): A flag.
    """

def second(b: dict, c: float = 0.5):
    pass
`;
    expect((await derivePythonToolSchema(source)).name).toBe('second');
    const first = await derivePythonToolSchema(source, 'first');
    expect(first).toMatchObject({ name: 'first', description: 'First.', parameters: { properties: { a: { type: 'boolean', description: 'A flag.' } }, required: ['a'] } });
  });

  it('names the line of a syntax error and refuses source without a function', async () => {
    await expect(derivePythonToolSchema('def broken(:\n    pass\n')).rejects.toThrow(/line 1/);
    await expect(derivePythonToolSchema('x = 1\n')).rejects.toBeInstanceOf(PythonSchemaError);
    await expect(derivePythonToolSchema('def f(): pass', 'g')).rejects.toThrow(/no top-level function named "g"/);
  });

  it('never runs the source', async () => {
    const marker = join(tmpdir(), `mnemo-ran-${process.pid}`);
    rmSync(marker, { force: true });
    await derivePythonToolSchema(`open(${JSON.stringify(marker)}, 'w').write('ran')\ndef f(x: int):\n    pass\n`);
    expect(existsSync(marker)).toBe(false);
  });
});
