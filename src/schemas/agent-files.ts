import { z } from 'zod';
import { skillSchema } from '../agent-file/schema.js';
import { queryBoolean } from './common.js';

const conversationId = z.string().min(1).max(200).nullish();
const scrubMessages = 'If true, the file holds no messages: an agent without its history.';

export const exportAgentQuerySchema = z.object({
  conversation_id: conversationId,
  scrub_messages: queryBoolean.optional().describe(scrubMessages),
  /** Deprecated in Letta and ignored by it: an export holds the whole conversation. */
  max_steps: z.coerce.number().int().optional(),
  use_legacy_format: queryBoolean.optional(),
});

export const exportAgentBodySchema = z
  .object({
    skills: z.array(skillSchema).max(1000).default([]),
    conversation_id: conversationId,
    scrub_messages: z.boolean().default(false).describe(scrubMessages),
  })
  .nullish();

const formBoolean = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });
const formText = z.string().max(500).optional();
const jsonObjectText = z
  .string()
  .max(1024 * 1024)
  .transform((text, context) => {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string')) {
        return value as Record<string, string>;
      }
    } catch {
      // reported below
    }
    context.addIssue({ code: 'custom', message: 'must be a JSON object of string values, e.g. {"API_KEY": "..."}' });
    return z.NEVER;
  })
  .optional();

/** The import form's text fields (the file itself is read apart). Deprecated names are kept as aliases. */
export const importAgentFieldsSchema = z.object({
  override_existing_tools: formBoolean.default(true),
  strip_messages: formBoolean.default(false),
  secrets: jsonObjectText,
  name: formText,
  embedding: formText,
  model: formText,
  append_copy_suffix: formBoolean.default(true),
  override_name: formText,
  override_embedding_handle: formText,
  override_model_handle: formText,
  project_id: formText,
  env_vars_json: jsonObjectText,
});

export const importAgentResponseSchema = z.object({ agent_ids: z.array(z.string()) });
