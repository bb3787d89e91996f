import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * Folders of uploaded files and their attachment to agents. A folder owns an archive of kind
 * 'folder' that holds its files' passages and their embedding config (so file search reuses
 * archival vector search), and each passage names its file. An agent's view of a file (open or closed, the visible window) is a
 * file_agents row; attaching a folder makes one per file.
 */
export async function up(db: Kysely<any>, _dialect: StoreDialect): Promise<void> {
  const text = 'text';
  const timestamp = 'text';
  const flag = 'integer';

  await db.schema.alterTable('archives').addColumn('kind', text, (c) => c.notNull().defaultTo('archival')).execute();

  await db.schema
    .createTable('folders')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('description', text)
    .addColumn('instructions', text)
    .addColumn('metadata', text)
    .addColumn('archive_id', text, (c) => c.notNull().unique().references('archives.id').onDelete('cascade'))
    .addColumn('created_by_id', text)
    .addColumn('last_updated_by_id', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('folders_created').on('folders').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('files')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('folder_id', text, (c) => c.notNull().references('folders.id').onDelete('cascade'))
    .addColumn('file_name', text, (c) => c.notNull())
    .addColumn('original_file_name', text, (c) => c.notNull())
    .addColumn('file_path', text)
    .addColumn('file_type', text, (c) => c.notNull())
    .addColumn('file_size', 'integer', (c) => c.notNull())
    .addColumn('file_creation_date', text)
    .addColumn('file_last_modified_date', text)
    .addColumn('processing_status', text, (c) => c.notNull())
    .addColumn('error_message', text)
    .addColumn('total_chunks', 'integer')
    .addColumn('chunks_embedded', 'integer')
    .addColumn('content', text)
    // The process working on an unfinished file, and when it last said so (see RunSupervisor).
    .addColumn('owner_id', text)
    .addColumn('heartbeat_at', timestamp)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('files_folder_name').on('files').columns(['folder_id', 'file_name']).unique().execute();
  await db.schema.createIndex('files_folder_created').on('files').columns(['folder_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('files_status').on('files').columns(['processing_status', 'owner_id']).execute();

  await db.schema.alterTable('passages').addColumn('file_id', text, (c) => c.references('files.id').onDelete('cascade')).execute();
  await db.schema.createIndex('passages_file').on('passages').column('file_id').execute();

  await db.schema
    .createTable('agent_folders')
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('folder_id', text, (c) => c.notNull().references('folders.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_folders_pk', ['agent_id', 'folder_id'])
    .execute();
  await db.schema.createIndex('agent_folders_folder').on('agent_folders').columns(['folder_id', 'agent_id']).execute();

  await db.schema
    .createTable('file_agents')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('agent_id', text, (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('file_id', text, (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('folder_id', text, (c) => c.notNull().references('folders.id').onDelete('cascade'))
    .addColumn('is_open', flag, (c) => c.notNull())
    .addColumn('visible_content', text)
    .addColumn('start_line', 'integer')
    .addColumn('end_line', 'integer')
    .addColumn('last_accessed_at', timestamp, (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('file_agents_agent_file').on('file_agents').columns(['agent_id', 'file_id']).unique().execute();
  await db.schema.createIndex('file_agents_file').on('file_agents').column('file_id').execute();
  await db.schema.createIndex('file_agents_agent_created').on('file_agents').columns(['agent_id', 'created_at', 'id']).execute();
}
