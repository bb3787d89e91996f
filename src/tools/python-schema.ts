import { spawn } from 'node:child_process';

export interface DerivedToolSchema {
  name: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, unknown>; required: string[] };
}

/** A tool's Python source from which no schema can be derived; the message suits a 422. */
export class PythonSchemaError extends Error {}

const MAX_SOURCE_CHARS = 1_000_000;
const TIMEOUT_MS = 5_000;

/**
 * Reads the source with Python's own parser (`ast`), never running it: the last top-level
 * function (or the one named) gives the name, its docstring the descriptions (Google style),
 * its annotations the JSON types.
 */
const DERIVE_SCRIPT = String.raw`
import ast, json, re, sys

SECTION = re.compile(r'^\s*(Args|Arguments|Parameters|Params|Attributes|Returns?|Yields?|Raises|Exceptions?|Examples?|Notes?)\s*:\s*$')
SIMPLE = {'str': 'string', 'int': 'integer', 'float': 'number', 'bool': 'boolean',
          'list': 'array', 'List': 'array', 'tuple': 'array', 'Tuple': 'array', 'set': 'array',
          'dict': 'object', 'Dict': 'object'}

def fail(message):
    print(json.dumps({'error': message}))
    sys.exit(0)

def schema_of(node):
    if node is None:
        return {}
    if isinstance(node, ast.Constant) and node.value is None:
        return {'type': 'null'}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return annotation_text_schema(node.value)
    if isinstance(node, ast.Name):
        return {'type': SIMPLE[node.id]} if node.id in SIMPLE else {}
    if isinstance(node, ast.Attribute):
        return {'type': SIMPLE[node.attr]} if node.attr in SIMPLE else {}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        options = [schema_of(node.left), schema_of(node.right)]
        options = [o for o in options if o.get('type') != 'null']
        return options[0] if len(options) == 1 else {}
    if isinstance(node, ast.Subscript):
        outer = node.value.id if isinstance(node.value, ast.Name) else getattr(node.value, 'attr', '')
        inner = node.slice
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if outer == 'Optional':
            return schema_of(items[0])
        if outer == 'Union':
            options = [schema_of(i) for i in items]
            options = [o for o in options if o.get('type') != 'null']
            return options[0] if len(options) == 1 else {}
        if outer == 'Literal':
            values = [i.value for i in items if isinstance(i, ast.Constant)]
            kinds = {type(v).__name__ for v in values}
            base = {'str': 'string', 'int': 'integer', 'float': 'number', 'bool': 'boolean'}.get(kinds.pop()) if len(kinds) == 1 else None
            return ({'type': base} if base else {}) | {'enum': values}
        if outer in ('list', 'List', 'set', 'Set', 'Sequence', 'Iterable'):
            item = schema_of(items[0])
            return {'type': 'array', 'items': item} if item else {'type': 'array'}
        if outer in ('tuple', 'Tuple'):
            return {'type': 'array'}
        if outer in ('dict', 'Dict', 'Mapping'):
            return {'type': 'object'}
    return {}

def annotation_text_schema(text):
    # A quoted annotation or a docstring type; one that does not parse just gives no type.
    try:
        return schema_of(ast.parse(text.strip(), mode='eval').body)
    except (SyntaxError, ValueError, RecursionError):
        return {}

def docstring_type(text):
    # "str", "List[str]", "int, optional": the type part of a Google-style "name (type): ..." line.
    return annotation_text_schema(re.sub(r',?\s*optional\s*$', '', text.strip()))

def parse_docstring(doc):
    summary, params, section, current = [], {}, None, None
    for line in (doc or '').splitlines():
        match = SECTION.match(line)
        if match:
            section = match.group(1).lower()
            current = None
            continue
        if section is None:
            summary.append(line.strip())
        elif section in ('args', 'arguments', 'parameters', 'params'):
            entry = re.match(r'^\s*\*{0,2}(\w+)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$', line)
            if entry and (current is None or len(line) - len(line.lstrip()) <= params[current]['indent']):
                current = entry.group(1)
                params[current] = {'type': entry.group(2), 'text': entry.group(3).strip(), 'indent': len(line) - len(line.lstrip())}
            elif current and line.strip():
                params[current]['text'] = (params[current]['text'] + ' ' + line.strip()).strip()
    description = re.sub(r'\s+', ' ', ' '.join(s for s in summary if s)).strip()
    return description, params

def main():
    # Decoded here rather than by ast.parse so that a coding cookie cannot reinterpret the UTF-8 sent.
    source = sys.stdin.buffer.read().decode('utf-8', 'replace')
    wanted = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else None
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        where = f' on line {error.lineno}' if error.lineno else ''
        fail(f'source_code: Python syntax error{where}: {error.msg}')
    except ValueError as error:
        fail(f'source_code: not valid Python ({error})')
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if wanted:
        functions = [f for f in functions if f.name == wanted]
        if not functions:
            fail(f'source_code: no top-level function named "{wanted}"')
    if not functions:
        fail('source_code: no top-level function definition found')
    function = functions[-1]
    description, documented = parse_docstring(ast.get_docstring(function))
    args = function.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    properties, required = {}, []
    for arg, default in pairs:
        if arg.arg in ('self', 'agent_state'):
            continue
        schema = schema_of(arg.annotation)
        doc = documented.get(arg.arg)
        if not schema and doc and doc['type']:
            schema = docstring_type(doc['type'])
        if doc and doc['text']:
            schema['description'] = doc['text']
        properties[arg.arg] = schema
        if default is None:
            required.append(arg.arg)
    print(json.dumps({'name': function.name, 'description': description,
                      'parameters': {'type': 'object', 'properties': properties, 'required': required}}))

main()
`;

export async function derivePythonToolSchema(sourceCode: string, functionName?: string): Promise<DerivedToolSchema> {
  if (sourceCode.length > MAX_SOURCE_CHARS) throw new PythonSchemaError(`source_code: longer than ${MAX_SOURCE_CHARS} characters`);
  const output = await runPython(sourceCode, functionName ?? '');
  let parsed: DerivedToolSchema | { error: string };
  try {
    parsed = JSON.parse(output) as DerivedToolSchema | { error: string };
  } catch {
    throw new PythonSchemaError('source_code: the schema could not be derived from this source');
  }
  if ('error' in parsed) throw new PythonSchemaError(parsed.error);
  return parsed;
}

function runPython(sourceCode: string, functionName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Only PATH is passed on: without it python3 is looked up in /usr/bin and /bin alone.
    const child = spawn('python3', ['-I', '-c', DERIVE_SCRIPT, functionName], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
      timeout: TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new PythonSchemaError('source_code: deriving a schema from Python source needs python3 on the server; send json_schema explicitly instead')
          : error,
      );
    });
    child.on('close', (code, signal) => {
      if (signal) reject(new PythonSchemaError('source_code: deriving the schema took too long'));
      else if (code !== 0) reject(new PythonSchemaError(`source_code: the schema could not be derived (${stderr.trim().split('\n').at(-1) ?? 'python3 failed'})`));
      else resolve(stdout);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(sourceCode);
  });
}
