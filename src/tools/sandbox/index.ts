export type { PackageRequirement, SandboxJob, SandboxResult } from './sandbox-job.js';
export { SandboxClosedError, type SandboxOptions, ToolSandbox } from './tool-sandbox.js';
export { typescriptParameterOrder } from './typescript-transpiler.js';
