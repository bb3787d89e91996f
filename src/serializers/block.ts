import type { Block } from '../domain/block.js';
import type { BlockWire } from '../schemas/blocks.js';

export function toBlockWire(block: Block): BlockWire {
  return {
    id: block.id,
    label: block.label,
    value: block.value,
    limit: block.limit,
    description: block.description,
    read_only: block.readOnly,
    hidden: block.hidden,
    preserve_on_migration: block.preserveOnMigration,
    metadata: block.metadata,
    tags: block.tags,
    template_name: block.templateName,
    is_template: block.isTemplate,
    template_id: block.templateId,
    base_template_id: block.baseTemplateId,
    deployment_id: block.deploymentId,
    entity_id: block.entityId,
    project_id: block.projectId,
    created_by_id: block.createdById,
    last_updated_by_id: block.lastUpdatedById,
    created_at: block.createdAt,
    updated_at: block.updatedAt,
  };
}
