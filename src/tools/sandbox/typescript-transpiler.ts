import { createHash } from 'node:crypto';
import { transform, type TransformFailure } from 'esbuild';

const CACHE_ENTRIES = 256;
const compiled = new Map<string, string>();

/** TypeScript source that esbuild refused; the message suits the model ("SyntaxError: ..."). */
export class TypeScriptSyntaxError extends Error {}

/**
 * Strips the types and turns the module into CommonJS, which the Node host evaluates as a function
 * body: `import x from 'pkg'` becomes a `require` the host resolves against the job's npm packages.
 * Top-level `await` is not available in CommonJS. Results are kept per source, as tools repeat.
 */
export async function transpileTypeScriptTool(sourceCode: string): Promise<string> {
  const key = createHash('sha256').update(sourceCode).digest('hex');
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  let code: string;
  try {
    ({ code } = await transform(sourceCode, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcefile: 'tool.ts',
      supported: { 'dynamic-import': false },
      logLevel: 'silent',
    }));
  } catch (error) {
    throw new TypeScriptSyntaxError(describeFailure(error));
  }
  if (compiled.size >= CACHE_ENTRIES) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, code);
  return code;
}

function describeFailure(error: unknown): string {
  const first = (error as Partial<TransformFailure>).errors?.[0];
  if (!first) return `SyntaxError: ${String(error)}`;
  const where = first.location ? ` (line ${first.location.line}, column ${first.location.column + 1})` : '';
  return `SyntaxError: ${first.text}${where}`;
}

/**
 * The order Letta passes a TypeScript tool's parameters in: the schema's `required` names first,
 * then its other properties in declaration order.
 */
export function typescriptParameterOrder(parameters: { properties?: Record<string, unknown>; required?: string[] }): string[] {
  const required = parameters.required ?? [];
  return [...required, ...Object.keys(parameters.properties ?? {}).filter((name) => !required.includes(name))];
}

/**
 * The call's positional arguments: `args` in `order`, then any argument the order does not name.
 * Unlike Letta, which leaves an omitted parameter out (shifting the ones after it), an omitted
 * parameter is passed as `undefined` so that later ones keep their places and defaults apply.
 */
export function positionalArguments(args: Record<string, unknown>, order: string[] | undefined): unknown[] {
  const names = [...(order ?? []), ...Object.keys(args).filter((name) => !order?.includes(name))];
  const values = names.map((name) => (Object.hasOwn(args, name) ? args[name] : undefined));
  while (values.length > 0 && values.at(-1) === undefined) values.pop();
  return values;
}
