export type SortOrder = 'asc' | 'desc';

/** A page request: cursors are item ids, positions in the requested order. */
export interface PageRequest {
  before?: string | null;
  after?: string | null;
  limit: number;
  order: SortOrder;
}
