/**
 * mldebt's own messages between the extension and the server, beside LSP: method names and the
 * shapes they carry. Both sides import this file and nothing else of each other (and each uses its
 * own JSON-RPC library, so the file holds plain names and types).
 */

export { CATEGORY_TITLES } from './engine/types';

/** How much the debt costs while it stays: the "interest" a team pays on it. */
export type Interest = 'low' | 'medium' | 'high';
export type ItemStatus = 'open' | 'accepted' | 'resolved';

export interface BacklogItem {
  fingerprint: string;
  rule: string;
  /** Relative to the workspace folder, with forward slashes. */
  file: string;
  snippet: string;
  note: string;
  owner: string;
  priority: Interest;
  /** YYYY-MM-DD. */
  created: string;
  status: ItemStatus;
}

export interface FolderBacklog {
  /** The workspace folder's URI. */
  folder: string;
  /** The ledger file's URI. */
  ledger: string;
  items: BacklogItem[];
  /** Why the ledger could not be read (it is then left untouched). */
  error?: string;
}

export interface BacklogResult {
  ok: boolean;
  error?: string;
}

/** Every workspace folder's ledger. */
export const BACKLOG_LIST = 'mldebt/backlog/list';

export interface BacklogAddParams {
  /** The document of the finding (a file, or a notebook cell). */
  uri: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  fingerprint: string;
  rule: string;
  note: string;
  priority: Interest;
  owner: string;
}
export const BACKLOG_ADD = 'mldebt/backlog/add';

export interface BacklogUpdateParams {
  folder: string;
  file: string;
  fingerprint: string;
  note?: string;
  status?: ItemStatus;
  priority?: Interest;
  /** Remove the item instead. */
  remove?: boolean;
}
export const BACKLOG_UPDATE = 'mldebt/backlog/update';

/** Sent by the server when a ledger changed (written by it, or changed on disk). */
export const BACKLOG_CHANGED = 'mldebt/backlog/changed';

/** The command a code action uses to add its finding to the backlog (the client asks for note and interest). */
export const ADD_TO_BACKLOG_COMMAND = 'mldebt.backlog.add';
