import type { AgentRecord, AgentTool } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { Message } from '../domain/message.js';

/** A stored message with the approval columns Letta's MessageSchema carries. */
export interface ExportedMessage extends Message {
  approve: boolean | null;
  approvalRequestId: string | null;
  denialReason: string | null;
}

export interface SnapshotFolder {
  id: string;
  name: string;
  description: string | null;
  instructions: string | null;
  metadata: Record<string, unknown> | null;
  embeddingConfig: Record<string, unknown>;
}

export interface SnapshotFile {
  id: string;
  folderId: string;
  fileName: string;
  originalFileName: string;
  filePath: string | null;
  fileType: string;
  fileSize: number;
  fileCreationDate: string | null;
  fileLastModifiedDate: string | null;
  processingStatus: string;
  errorMessage: string | null;
  totalChunks: number | null;
  chunksEmbedded: number | null;
  content: string | null;
}

/** An agent's view of one file. */
export interface SnapshotFileAgent {
  fileId: string;
  folderId: string;
  isOpen: boolean;
  visibleContent: string | null;
  startLine: number | null;
  endLine: number | null;
  lastAccessedAt: string;
}

/** Everything an agent file holds about one agent, as read from the store. */
export interface AgentSnapshot {
  agent: AgentRecord;
  /** In attach order. */
  blocks: Block[];
  /** In attach order. */
  tools: AgentTool[];
  tags: string[];
  secretKeys: string[];
  /** The exported conversation's messages in order, and its context window. */
  messages: ExportedMessage[];
  inContextMessageIds: string[];
  folders: SnapshotFolder[];
  files: SnapshotFile[];
  fileAgents: SnapshotFileAgent[];
}
