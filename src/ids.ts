import { randomUUID } from 'node:crypto';

/** Every id prefix Mnemo issues, as Letta spells them. */
export const ID_PREFIXES = [
  'agent',
  'block',
  'tool',
  'identity',
  'message',
  'run',
  'step',
  'source',
  'file',
  'archive',
  'passage',
  'conv',
  'group',
  'agent-env',
  'file_agent',
  'sandbox',
  'job',
  'provider',
  'scheduled_message',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

const UUID4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

export function newId(prefix: IdPrefix): string {
  return `${prefix}-${randomUUID()}`;
}

export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}-${UUID4}$`);
}
