export { reply, type Turn } from './replies.js';
export { startFakeModelServer, type FakeModelServer, type RecordedRequest, type ScriptedModel } from './server.js';
