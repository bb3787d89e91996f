import type { Identity, IdentityProperty, IdentityType } from '../../domain/identity.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson } from '../json.js';
import type { Executor } from '../store.js';
import type { IdentityRow } from '../tables.js';

export function toIdentity(row: IdentityRow, agentIds: string[], blockIds: string[]): Identity {
  return {
    id: row.id,
    identifierKey: row.identifier_key,
    name: row.name,
    identityType: row.identity_type as IdentityType,
    projectId: row.project_id,
    properties: decodeJson<IdentityProperty[]>(row.properties),
    agentIds,
    blockIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class IdentityRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  /** Loads identities with their agent and block ids in three queries. */
  async hydrate(rows: IdentityRow[]): Promise<Identity[]> {
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const [agents, blocks] = await Promise.all([
      this.db.selectFrom('identity_agents').selectAll().where('identity_id', 'in', ids).orderBy('agent_id').execute(),
      this.db.selectFrom('identity_blocks').selectAll().where('identity_id', 'in', ids).orderBy('block_id').execute(),
    ]);
    return rows.map((row) =>
      toIdentity(
        row,
        agents.filter((link) => link.identity_id === row.id).map((link) => link.agent_id),
        blocks.filter((link) => link.identity_id === row.id).map((link) => link.block_id),
      ),
    );
  }

  /** The identities of each agent. */
  async ofAgents(agentIds: string[]): Promise<Map<string, Identity[]>> {
    const result = new Map<string, Identity[]>();
    if (!agentIds.length) return result;
    const links = await this.db.selectFrom('identity_agents').selectAll().where('agent_id', 'in', agentIds).execute();
    if (!links.length) return result;
    const rows = await this.db
      .selectFrom('identities')
      .selectAll()
      .where('id', 'in', [...new Set(links.map((link) => link.identity_id))])
      .orderBy('created_at')
      .execute();
    const byId = new Map((await this.hydrate(rows)).map((identity) => [identity.id, identity]));
    for (const link of links) {
      const identity = byId.get(link.identity_id);
      if (!identity) continue;
      const list = result.get(link.agent_id) ?? [];
      list.push(identity);
      result.set(link.agent_id, list);
    }
    return result;
  }

  async findRowsByIds(ids: string[]): Promise<IdentityRow[]> {
    if (!ids.length) return [];
    return this.db.selectFrom('identities').selectAll().where('id', 'in', ids).execute();
  }

  async attachAgent(identityId: string, agentId: string): Promise<void> {
    await this.db
      .insertInto('identity_agents')
      .values({ identity_id: identityId, agent_id: agentId })
      .onConflict((oc) => oc.columns(['identity_id', 'agent_id']).doNothing())
      .execute();
  }

  async detachAgent(identityId: string, agentId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('identity_agents')
      .where('identity_id', '=', identityId)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async setAgentIdentities(agentId: string, identityIds: string[]): Promise<void> {
    await this.db.deleteFrom('identity_agents').where('agent_id', '=', agentId).execute();
    const unique = [...new Set(identityIds)];
    if (unique.length) {
      await this.db.insertInto('identity_agents').values(unique.map((identityId) => ({ identity_id: identityId, agent_id: agentId }))).execute();
    }
  }
}
