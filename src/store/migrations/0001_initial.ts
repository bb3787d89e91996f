import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * The first schema. Migrations use `Kysely<any>` so they never depend on today's table types,
 * and are append-only: a change is a new file.
 */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  const text = 'text';
  const timestamp = 'text';
  const flag = 'integer';

  await db.schema
    .createTable('agents')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('agent_type', text, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('system', text, (c) => c.notNull())
    .addColumn('model', text)
    .addColumn('llm_config', text, (c) => c.notNull())
    .addColumn('embedding', text)
    .addColumn('embedding_config', text)
    .addColumn('model_settings', text)
    .addColumn('compaction_settings', text)
    .addColumn('response_format', text)
    .addColumn('tool_rules', text, (c) => c.notNull())
    .addColumn('metadata', text)
    .addColumn('timezone', text, (c) => c.notNull())
    .addColumn('max_files_open', 'integer')
    .addColumn('per_file_view_window_char_limit', 'integer')
    .addColumn('message_buffer_autoclear', flag, (c) => c.notNull().defaultTo(0))
    .addColumn('enable_sleeptime', flag)
    .addColumn('hidden', flag)
    .addColumn('project_id', text)
    .addColumn('template_id', text)
    .addColumn('base_template_id', text)
    .addColumn('deployment_id', text)
    .addColumn('entity_id', text)
    .addColumn('created_by_id', text)
    .addColumn('last_updated_by_id', text)
    .addColumn('last_run_completion', timestamp)
    .addColumn('last_run_duration_ms', 'integer')
    .addColumn('last_stop_reason', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agents_created_at').on('agents').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('agents_updated_at').on('agents').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('agents_name').on('agents').column('name').execute();

  await db.schema
    .createTable('blocks')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('label', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('char_limit', 'integer', (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('read_only', flag, (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', flag)
    .addColumn('preserve_on_migration', flag)
    .addColumn('metadata', text)
    .addColumn('tags', text)
    .addColumn('template_name', text)
    .addColumn('is_template', flag, (c) => c.notNull().defaultTo(0))
    .addColumn('template_id', text)
    .addColumn('base_template_id', text)
    .addColumn('deployment_id', text)
    .addColumn('entity_id', text)
    .addColumn('project_id', text)
    .addColumn('created_by_id', text)
    .addColumn('last_updated_by_id', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('blocks_created_at').on('blocks').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('blocks_label').on('blocks').column('label').execute();

  // blocks.tags keeps the list as read; block_tags indexes it for filters.
  await db.schema
    .createTable('block_tags')
    .addColumn('block_id', text, (c) => c.notNull().references('blocks.id').onDelete('cascade'))
    .addColumn('tag', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('block_tags_pk', ['block_id', 'tag'])
    .execute();
  await db.schema.createIndex('block_tags_tag').on('block_tags').columns(['tag', 'block_id']).execute();

  await db.schema
    .createTable('agent_blocks')
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('block_id', text, (c) => c.notNull().references('blocks.id').onDelete('restrict'))
    .addColumn('label', text, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('attached_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_blocks_pk', ['agent_id', 'block_id'])
    .addUniqueConstraint('agent_blocks_one_label', ['agent_id', 'label'])
    .execute();
  await db.schema.createIndex('agent_blocks_block').on('agent_blocks').column('block_id').execute();

  await db.schema
    .createTable('tools')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('description', text)
    .addColumn('tool_type', text, (c) => c.notNull())
    .addColumn('source_type', text)
    .addColumn('source_code', text)
    .addColumn('json_schema', text)
    .addColumn('args_json_schema', text)
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('return_char_limit', 'integer', (c) => c.notNull())
    .addColumn('pip_requirements', text)
    .addColumn('npm_requirements', text)
    .addColumn('default_requires_approval', flag)
    .addColumn('enable_parallel_execution', flag)
    .addColumn('metadata', text)
    .addColumn('project_id', text)
    .addColumn('created_by_id', text)
    .addColumn('last_updated_by_id', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tools_created_at').on('tools').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('agent_tools')
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('tool_id', text, (c) => c.notNull().references('tools.id').onDelete('restrict'))
    .addColumn('requires_approval', flag)
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('attached_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_tools_pk', ['agent_id', 'tool_id'])
    .execute();
  await db.schema.createIndex('agent_tools_tool').on('agent_tools').column('tool_id').execute();

  await db.schema
    .createTable('agent_tags')
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('tag', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_tags_pk', ['agent_id', 'tag'])
    .execute();
  await db.schema.createIndex('agent_tags_tag').on('agent_tags').columns(['tag', 'agent_id']).execute();

  await db.schema
    .createTable('identities')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('identifier_key', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('identity_type', text, (c) => c.notNull())
    .addColumn('project_id', text)
    .addColumn('properties', text, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identities_created_at').on('identities').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('identity_agents')
    .addColumn('identity_id', text, (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('identity_agents_pk', ['identity_id', 'agent_id'])
    .execute();
  await db.schema.createIndex('identity_agents_agent').on('identity_agents').column('agent_id').execute();

  await db.schema
    .createTable('identity_blocks')
    .addColumn('identity_id', text, (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('block_id', text, (c) => c.notNull().references('blocks.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('identity_blocks_pk', ['identity_id', 'block_id'])
    .execute();
  await db.schema.createIndex('identity_blocks_block').on('identity_blocks').column('block_id').execute();

  await db.schema
    .createTable('agent_secrets')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addUniqueConstraint('agent_secrets_one_key', ['agent_id', 'key'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('is_default', flag, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('summary', text)
    .addColumn('archived', flag, (c) => c.notNull().defaultTo(0))
    .addColumn('archived_at', timestamp)
    .addColumn('hidden', flag, (c) => c.notNull().defaultTo(0))
    .addColumn('model', text)
    .addColumn('model_settings', text)
    .addColumn('context_window_limit', 'integer')
    .addColumn('in_context_message_ids', text, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_agent').on('conversations').columns(['agent_id', 'created_at']).execute();
  // Exactly one default conversation per agent.
  await sql`create unique index conversations_one_default on conversations (agent_id) where is_default = 1`.execute(db);

  await db.schema
    .createTable('messages')
    .addColumn('seq', dialect.autoIncrementType, (c) => dialect.autoIncrementPrimaryKey(c))
    .addColumn('id', text, (c) => c.notNull().unique())
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('conversation_id', text, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('content', text)
    .addColumn('name', text)
    .addColumn('tool_calls', text)
    .addColumn('tool_call_id', text)
    .addColumn('tool_returns', text)
    .addColumn('approvals', text)
    .addColumn('approve', flag)
    .addColumn('approval_request_id', text)
    .addColumn('denial_reason', text)
    .addColumn('step_id', text)
    .addColumn('run_id', text)
    .addColumn('otid', text)
    .addColumn('sender_id', text)
    .addColumn('group_id', text)
    .addColumn('batch_item_id', text)
    .addColumn('is_err', flag)
    .addColumn('model', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_conversation_seq').on('messages').columns(['conversation_id', 'seq']).execute();
  await db.schema.createIndex('messages_agent_seq').on('messages').columns(['agent_id', 'seq']).execute();
  await db.schema.createIndex('messages_run').on('messages').columns(['run_id', 'seq']).execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('conversation_id', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('stop_reason', text)
    .addColumn('background', flag, (c) => c.notNull().defaultTo(0))
    .addColumn('request_config', text)
    .addColumn('metadata', text)
    .addColumn('callback_url', text)
    .addColumn('callback_sent_at', timestamp)
    .addColumn('callback_status_code', 'integer')
    .addColumn('callback_error', text)
    .addColumn('usage', text)
    .addColumn('owner', text)
    .addColumn('total_duration_ns', 'bigint')
    .addColumn('ttft_ns', 'bigint')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .addColumn('completed_at', timestamp)
    .execute();
  await db.schema.createIndex('runs_agent_created').on('runs').columns(['agent_id', 'created_at']).execute();
  await db.schema.createIndex('runs_status').on('runs').columns(['status', 'owner']).execute();

  await db.schema
    .createTable('run_events')
    .addColumn('run_id', text, (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq_id', 'integer', (c) => c.notNull())
    .addColumn('payload', text, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('run_events_pk', ['run_id', 'seq_id'])
    .execute();

  await db.schema
    .createTable('steps')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('run_id', text, (c) => c.references('runs.id').onDelete('cascade'))
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('conversation_id', text)
    .addColumn('provider_name', text)
    .addColumn('provider_category', text)
    .addColumn('model', text)
    .addColumn('model_endpoint', text)
    .addColumn('context_window_limit', 'integer')
    .addColumn('completion_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('usage', text)
    .addColumn('stop_reason', text)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('error_type', text)
    .addColumn('error_data', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('completed_at', timestamp)
    .execute();
  await db.schema.createIndex('steps_run').on('steps').columns(['run_id', 'created_at']).execute();
  await db.schema.createIndex('steps_agent').on('steps').columns(['agent_id', 'created_at']).execute();
}
