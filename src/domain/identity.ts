export const IDENTITY_TYPES = ['org', 'user', 'other'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export interface IdentityProperty {
  key: string;
  type: 'string' | 'number' | 'boolean' | 'json';
  value: unknown;
}

export interface Identity {
  id: string;
  identifierKey: string;
  name: string;
  identityType: IdentityType;
  projectId: string | null;
  properties: IdentityProperty[];
  agentIds: string[];
  blockIds: string[];
  createdAt: string;
  updatedAt: string;
}
