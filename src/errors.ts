/**
 * Typed domain errors. They carry data, not HTTP wording; `http/plugins/errors.ts` is the one
 * place that turns them into responses.
 */
export class MnemoError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

const KIND_NAMES: Record<string, string> = {
  agent: 'Agent',
  block: 'Block',
  tool: 'Tool',
  identity: 'Identity',
  message: 'Message',
  run: 'Run',
  step: 'Step',
  conversation: 'Conversation',
  source: 'Folder',
  folder: 'Folder',
  file: 'File',
  'agent-env': 'Agent environment variable',
  archive: 'Archive',
  passage: 'Passage',
  scheduled_message: 'Scheduled message',
};

export class NotFoundError extends MnemoError {
  constructor(kind: string, id: string, extra = '') {
    super(`${KIND_NAMES[kind] ?? kind} with ID ${id} not found${extra}`, 'NOT_FOUND', 404, { kind, id });
  }
}

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input that passed schema validation but breaks a rule (422), naming the field. */
export class ValidationError extends MnemoError {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '), 'VALIDATION_ERROR', 422, issues);
  }

  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

/** A well-formed request that cannot be honoured as asked (400). */
export class BadRequestError extends MnemoError {
  constructor(message: string, details?: unknown) {
    super(message, 'BAD_REQUEST', 400, details);
  }
}

export class ConflictError extends MnemoError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(message, code, 409, details);
  }
}

/** A plain message sent while the agent waits for an approval: Letta's `{detail: {code, message, pending_request_id}}`. */
export class PendingApprovalError extends ConflictError {
  constructor(readonly pendingRequestId: string) {
    super(
      `The agent is waiting for approval of tool calls in ${pendingRequestId}: send an approval message ({"type": "approval", "approvals": [...]}) before a new message`,
      'PENDING_APPROVAL',
      { pending_request_id: pendingRequestId },
    );
  }
}

export class UnauthorizedError extends MnemoError {
  constructor() {
    super('Missing or invalid credentials: send "Authorization: Bearer <password>"', 'UNAUTHORIZED', 401);
  }
}

export class GoneError extends MnemoError {
  constructor(message: string) {
    super(message, 'GONE', 410);
  }
}

export class NotImplementedError extends MnemoError {
  constructor(readonly feature: string) {
    super(`${feature} is not implemented by this Mnemo server yet`, 'NOT_IMPLEMENTED', 501, { feature });
  }
}

export class StoreUnavailableError extends MnemoError {
  constructor(cause: unknown) {
    super('The store is unavailable; try again shortly', 'STORE_UNAVAILABLE', 503, undefined, { cause });
  }
}
