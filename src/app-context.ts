import type { Config } from './config.js';
import { ModelCatalog } from './providers/model-catalog.js';
import { AgentService } from './services/agents.js';
import { BlockService } from './services/blocks.js';
import { IdentityService } from './services/identities.js';
import { MessageService } from './services/messages.js';
import { RunService } from './services/runs.js';
import { RunSupervisor } from './services/run-supervisor.js';
import { AgentLocks } from './engine/agent-locks.js';
import { ProviderRegistry } from './providers/registry.js';
import { RunStreams } from './streaming/background-runs.js';
import { ToolService } from './services/tools.js';
import { ArchiveService } from './services/archives.js';
import { ScheduleService } from './services/schedules.js';
import { ConversationService } from './services/conversations.js';
import { AgentFileService } from './services/agent-files.js';
import { EmbeddingRegistry } from './embeddings/index.js';
import { passageVectorsFor } from './store/vector/index.js';
import { ToolSandbox } from './tools/sandbox/index.js';
import { FileProcessor } from './files/file-processor.js';
import { AgentFolderService } from './services/agent-folders.js';
import { FileIngestion } from './services/file-ingestion.js';
import { FileTools } from './services/file-tools.js';
import { FolderService } from './services/folders.js';
import { MessageHistoryService } from './services/message-history.js';
import { openStore, type Store } from './store/store.js';

/** Everything the HTTP layer needs, built once. */
export interface AppContext {
  config: Config;
  store: Store;
  models: ModelCatalog;
  agents: AgentService;
  blocks: BlockService;
  identities: IdentityService;
  messages: MessageService;
  runStreams: RunStreams;
  runs: RunService;
  tools: ToolService;
  archives: ArchiveService;
  schedules: ScheduleService;
  conversations: ConversationService;
  agentFiles: AgentFileService;
  folders: FolderService;
  agentFolders: AgentFolderService;
  messageHistory: MessageHistoryService;
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

/** Opens and migrates the store, seeds the built-in tools, and wires the services. */
export async function createAppContext(config: Config): Promise<AppContext> {
  const store = openStore(config.store);
  try {
    await store.migrate();
    const models = new ModelCatalog(config.providers);
    const sandbox = new ToolSandbox({ cacheDir: config.sandbox.cacheDir, defaultTimeoutMs: config.sandbox.timeoutMs, defaultMemoryMb: config.sandbox.memoryMb });
    const embeddings = new EmbeddingRegistry(config.providers);
    const vectors = passageVectorsFor(store);
    const archives = new ArchiveService(store, embeddings, vectors, models);
    const fileTools = new FileTools(store, archives);
    const toolServices = { sandbox, archives, files: fileTools, web: { exaApiKey: config.exaApiKey } };
    const tools = new ToolService(store, toolServices);
    const fileProcessor = new FileProcessor();
    const ingestion = new FileIngestion(store, fileProcessor, archives, (message, error) => console.error(`[mnemo] ${message}`, error ?? ''));
    const folders = new FolderService(store, archives, ingestion, vectors);
    await tools.ensureBuiltinTools();
    const supervisor = new RunSupervisor(store);
    await supervisor.start();
    const agents = new AgentService(store, models);
    const messages = new MessageService(store, new ProviderRegistry(config.providers), models, new AgentLocks(), toolServices);
    const schedules = new ScheduleService(store, messages, config.schedulePollMs, (message, error) => console.error(`[mnemo] ${message}`, error ?? ''));
    schedules.start();
    return { config, store, models, agents, blocks: new BlockService(store), identities: new IdentityService(store, agents), messages, runStreams: new RunStreams(store),
      runs: new RunService(store),
      tools,
      archives,
      schedules,
      conversations: new ConversationService(store, agents),
      agentFiles: new AgentFileService(store, models, (agentId) => agents.recompile(agentId), folders),
      folders,
      agentFolders: new AgentFolderService(store),
      messageHistory: new MessageHistoryService(store),
      close: async () => {
        supervisor.stop();
        await fileProcessor.close();
        await ingestion.whenIdle();
        await schedules.stop();
        await sandbox.close();
        vectors.close();
        await embeddings.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
