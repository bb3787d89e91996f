import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../dialects/dialect.js';

/**
 * Archives (archival memory) and their passages. A passage keeps its vector at its embedding model's
 * own dimension beside the model's handle: a float32 BLOB in SQLite, a pgvector `vector` (of any
 * dimension) in Postgres, where HNSW indexes are made per dimension as they appear.
 */
export async function up(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  const text = 'text';
  const timestamp = 'text';
  if (dialect.name === 'postgres') {
    try {
      await sql`create extension if not exists vector`.execute(db);
    } catch (error) {
      throw new Error(
        `Mnemo needs the pgvector extension on Postgres (Debian: apt-get install postgresql-15-pgvector, or build it: see the README): ${(error as Error).message}`,
      );
    }
  }

  await db.schema
    .createTable('archives')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text)
    .addColumn('embedding_config', text)
    .addColumn('vector_db_provider', text, (c) => c.notNull().defaultTo('native'))
    .addColumn('metadata', text)
    .addColumn('created_by_id', text)
    .addColumn('last_updated_by_id', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('archives_created').on('archives').columns(['created_at', 'id']).execute();

  // An agent has at most one archive; an archive may serve many agents.
  await db.schema
    .createTable('agent_archives')
    .addColumn('agent_id', text, (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
    .addColumn('archive_id', text, (c) => c.notNull().references('archives.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_archives_archive').on('agent_archives').columns(['archive_id', 'agent_id']).execute();

  await db.schema
    .createTable('passages')
    .addColumn('seq', dialect.autoIncrementType, (c) => dialect.autoIncrementPrimaryKey(c))
    .addColumn('id', text, (c) => c.notNull().unique())
    .addColumn('archive_id', text, (c) => c.notNull().references('archives.id').onDelete('cascade'))
    .addColumn('text', text, (c) => c.notNull())
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('metadata', text)
    .addColumn('embedding_handle', text, (c) => c.notNull())
    .addColumn('embedding_dim', 'integer', (c) => c.notNull())
    .addColumn('embedding', dialect.name === 'postgres' ? sql`vector` : 'blob', (c) => c.notNull())
    .addColumn('created_by_id', text)
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('updated_at', timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('passages_archive_created').on('passages').columns(['archive_id', 'created_at', 'seq']).execute();

  // One row per tag, so tag filters are an indexed join rather than a scan of JSON.
  await db.schema
    .createTable('passage_tags')
    .addColumn('passage_id', text, (c) => c.notNull().references('passages.id').onDelete('cascade'))
    .addColumn('archive_id', text, (c) => c.notNull())
    .addColumn('tag', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('passage_tags_pk', ['passage_id', 'tag'])
    .execute();
  await db.schema.createIndex('passage_tags_archive_tag').on('passage_tags').columns(['archive_id', 'tag', 'passage_id']).execute();
}
