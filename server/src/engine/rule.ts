import type { Node } from './parser';
import type { Notebook } from './notebook';
import type { SemanticModel } from './semantic';
import type { Category, FixSafety, Severity, TextEdit } from './types';

/** The fixed sections of every rule's documentation; the docs page and the meta-test read them. */
export interface RuleDocs {
  /** One line, shown in rule lists. */
  summary: string;
  whatItDoes: string;
  whyIsThisBad: string;
  /** Code that the rule flags (Python, or notebook JSON when `exampleKind` says so). */
  example: string;
  exampleKind?: 'python' | 'notebook';
  /** The same code written so the rule stays quiet. */
  useInstead: string;
  fixSafety: string;
  references: string[];
}

export type OptionType = 'number' | 'string' | 'boolean' | 'string[]';

export interface OptionSpec {
  type: OptionType;
  default: number | string | boolean | string[];
  description: string;
}

export interface RuleMeta {
  id: string;
  code: string;
  category: Category;
  severity: Severity;
  /** The safety of the rule's own fix, or 'none' when it only explains. */
  fix: FixSafety | 'none';
  docs: RuleDocs;
  /** Message templates; `{name}` is filled from a report's data. */
  messages: Record<string, string>;
  options?: Record<string, OptionSpec>;
  /** How an editor may render its findings: faded or struck through. */
  tag?: 'unnecessary' | 'deprecated';
  /** The rule runs only where one of these modules (or a submodule) is imported. */
  requires?: string[];
  /**
   * Whether the rule works chunk by chunk, so that a live document can skip the chunks an edit did
   * not reach. A chunk is a top-level definition with the statements after it, or a class alone (see
   * chunks.ts); every notebook cell starts one. A large class is several: its header, walked every
   * time, then one chunk per method of its body, with the statements after it (walked inside the
   * class: its scope is open, and `node.parent` leads to it). A check of a file without syntax errors,
   * which no edit follows, makes the whole module one chunk, or one per cell: a rule must not depend on
   * where chunks end. A local rule:
   * - keeps nothing in its listeners from one chunk to the next: what later decisions need it returns
   *   from `chunk:exit` (and resets), and `module:exit` reads those facts in `context.chunkFacts`;
   * - decides what to report while walking a chunk from that chunk alone, the semantic model's answers
   *   and its options (fixes may edit elsewhere: a chunk with a fix is walked again at every analysis,
   *   unless the rule's fixes are `chunkFixes`);
   * - keeps nodes, not offsets, in its facts (a reused chunk may have moved), and in `module:exit` does
   *   not ask the semantic model about nodes (what it needs it asks while walking, into the facts);
   * - reads of a notebook, while walking, only the cells' kinds, execution counts and failures.
   */
  local?: boolean;
  /**
   * For a local rule: its fixes are made from the reported nodes alone (their text, the text inside
   * them, and the semantic model's answers, which a reuse of the chunk checks), and edit only inside
   * the chunk. An unchanged chunk then keeps its fixes, moved with it, and is not walked again for
   * them: without this, each finding with a fix costs a walk of its chunk at every keystroke.
   */
  chunkFixes?: boolean;
}

export interface FixSpec {
  title: string;
  safety: FixSafety;
  edits: TextEdit[];
}

export interface Report {
  /** What to underline: a node, or offsets into the text. */
  node?: Node;
  start?: number;
  end?: number;
  messageId: string;
  data?: Record<string, string | number>;
  fixes?: FixSpec[];
}

export interface RuleContext<O> {
  /** The analysed text (for a notebook, its code cells joined). */
  readonly text: string;
  /** The module node, for fixes that insert at module level. */
  readonly root: Node;
  readonly options: O;
  readonly semantic: SemanticModel;
  /** Set when the text is a notebook's code cells; the rule can read cells and outputs. */
  readonly notebook?: Notebook;
  /** What the rule's `chunk:exit` returned so far, in chunk order, where it returned something (for `module:exit`). */
  readonly chunkFacts: readonly unknown[];
  report(report: Report): void;
}

/**
 * Listeners by node type (tree-sitter-python names such as `call`); `type:exit` runs when the walk
 * leaves the node, `chunk:exit` (local rules) after each chunk, returning the facts kept from it
 * (`context.chunkFacts`), and `module:exit` once after the whole walk.
 */
export type Listener = (node: Node) => void;
export type Listeners = Record<string, Listener | undefined> & {
  'chunk:exit'?: () => unknown;
  'module:exit'?: () => void;
};

export interface Rule<O = Record<string, never>> {
  meta: RuleMeta;
  create(context: RuleContext<O>): Listeners;
}

/** Options as a rule receives them: its declared defaults overlaid with the user's values. */
export type RuleOptions = Record<string, number | string | boolean | string[]>;

export type AnyRule = Rule<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineRule<O = Record<string, never>>(rule: Rule<O>): Rule<O> {
  return rule;
}
