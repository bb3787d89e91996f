export { EmbeddingError, embeddingErrorFromStatus, type Embedder, type EmbeddingErrorKind, type EmbeddingErrorOptions } from './embedder.js';
export { DEFAULT_BATCH_SIZE, type BatchingOptions } from './batching.js';
export { keepErrorBodies, OpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from './openai-compatible.js';
export { GoogleEmbedder, type GoogleEmbedderOptions } from './google.js';
export { OFFLINE_EMBEDDING_DIM, OFFLINE_EMBEDDING_MODEL, UseLiteEmbedder, type UseLiteEmbedderOptions } from './offline/use-lite.js';
export {
  EmbeddingRegistry,
  OFFLINE_EMBEDDING_HANDLE,
  offlineEmbeddingConfig,
  type EmbeddingConfig,
  type EmbeddingModelConfig,
  type EmbeddingRegistryOptions,
} from './registry.js';
