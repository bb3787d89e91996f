import type { Kysely } from 'kysely';

/** Scheduled messages: one-time or recurring (cron) sends to an agent. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scheduled_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('schedule_type', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', 'text')
    .addColumn('cron_expression', 'text')
    .addColumn('next_run_at', 'text')
    .addColumn('last_run_at', 'text')
    .addColumn('last_run_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduled_messages_due').on('scheduled_messages').columns(['next_run_at']).execute();
  await db.schema.createIndex('scheduled_messages_agent').on('scheduled_messages').columns(['agent_id', 'created_at', 'id']).execute();
}
