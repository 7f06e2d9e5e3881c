import { createHash } from 'node:crypto';
import { detached, detachStrings } from './detach';
import { headerEnd } from './chunks';
import { LineIndex } from './lineIndex';
import { syntaxError, unusedSuppression } from './metaRules';
import type { CellMap, Notebook } from './notebook';
import { dispatch, languageTables, walkNamed, type ChunkTree, type Listeners, type SyntaxTree } from './mirror';
import type { Notebook as NotebookData } from './notebook';
import type { Language, Node } from './parser';
import type { AnyRule, Listener, Report, RuleOptions } from './rule';
import { sameChange, SemanticModel, type ModuleChange, type Read } from './semantic';
import { mayHoldSuppression, parseSuppression, suppresses, type Suppression } from './suppression';
import type { Finding, Fix, Severity, TextEdit } from './types';

/** A rule as configured for one analysis. */
export interface ActiveRule {
  rule: AnyRule;
  severity: Severity;
  options: RuleOptions;
}

export interface AnalysisInput {
  text: string;
  /** The JavaScript copy of the parsed module. */
  tree: SyntaxTree;
  /** For a notebook: where each code cell sits in `text`, and the notebook itself. */
  cells?: CellMap;
  notebook?: Notebook;
  /** For a live document: what the last analyses learnt, so that the next can skip work. */
  cache?: AnalysisCache;
}

/**
 * What a live document keeps from one analysis to the next, for each chunk (top-level statement or
 * group of them) an edit did not reach: what the local rules reported in it and the facts they took
 * from it, what its walk read of the semantic model's module-level facts (imports, module-level names)
 * and the changes it made to them, and where its syntax errors and suppression comments are. A chunk
 * reached where those facts still read the same cannot give the local rules anything new, so it is
 * not walked again: its results are reused and its changes replayed. Fixes made from the chunk alone
 * (`chunkFixes`) are reused too, moved with it; a chunk where another rule offered a fix is always
 * walked again, so that the fix is computed against the current text. A rule that is
 * not local makes every chunk walked (the local rules still skip the ones they can).
 */
export class AnalysisCache {
  rules = '';
  chunks = new WeakMap<ChunkTree, ChunkRecord>();
  /** The last analysis: its number, what the module imports, and the module-level changes in the order they were made. */
  generation = 0;
  imports: readonly ModuleChange[][] = [];
  log: readonly LogEntry[] = [];

  /** Drops what the document's analyses learnt (it is closed). */
  clear(): void {
    this.rules = '';
    this.chunks = new WeakMap();
    this.imports = [];
    this.log = [];
  }
}

/**
 * A change to module-level facts (or, within a large class, the class's), in the order an analysis
 * made them; a large class's header, walked every time, stands for what its walk does (by the chunk's
 * id: the log must not keep old copies alive).
 */
type LogEntry = ModuleChange | { header: number };

interface ChunkRecord {
  /** What the walk of the chunk read of module-level facts it did not set itself, and the answers. */
  reads: readonly Read[];
  /** The last analysis that walked or reused the chunk, and how many changes it had logged when it came to it. */
  generation: number;
  logged: number;
  /** Where the chunk started then: reports given by offsets are kept relative to it. */
  base: number;
  reports: ReportEntry[];
  /** What each rule's `chunk:exit` returned, where it returned something (`exit`: the rule's place in `chunkExits`). */
  facts: Array<{ exit: number; value: unknown }>;
  changes: ModuleChange[];
  errors: Node[];
  comments: Node[];
}

export interface AnalysisResult {
  findings: Finding[];
  /** Rules that threw; their other findings in this file are dropped, the rest stand. */
  ruleErrors: string[];
}

const MAX_SYNTAX_ERRORS = 10;

/** A reused chunk's report where the chunk moved by `shift`: its offsets and its fixes' edits moved too (a node moves with its chunk). */
function movedReport(report: Report, shift: number): Report {
  if (report.start === undefined && !report.fixes?.length) return report;
  const moved = report.start === undefined ? { ...report } : { ...report, start: report.start + shift, end: report.end! + shift };
  if (report.fixes?.length) moved.fixes = report.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, start: e.start + shift, end: e.end + shift })) }));
  return moved;
}

/** Whether every edit of `fixes` is inside the statements of `chunk` (see `chunkFixes`). */
function editsWithin(fixes: readonly { edits: readonly TextEdit[] }[], chunk: ChunkTree): boolean {
  if (chunk.top.length === 0) return false;
  const start = chunk.base + chunk.starts[chunk.top[0]];
  const end = chunk.base + chunk.ends[chunk.top[chunk.top.length - 1]];
  return fixes.every((f) => f.edits.every((e) => e.start >= start && e.end <= end));
}

const NOTHING = (): void => undefined;

/** The empty list of every chunk record with nothing in one (see `ChunkRecord`); never added to. */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** Node types whose scopes and bindings the semantic model follows. */
const SEMANTIC_ENTER = ['function_definition', 'lambda', 'class_definition', 'import_statement', 'import_from_statement', 'for_statement', 'for_in_clause', 'as_pattern'];
const SEMANTIC_EXIT = ['function_definition', 'lambda', 'class_definition', 'assignment'];

interface PendingReport {
  active: ActiveRule;
  report: Report;
  /** Where a live document keeps the report with its chunk. */
  entry?: ReportEntry;
}

/**
 * A local rule's report in a chunk, and what its finding's fingerprint is made from (see
 * `assignFingerprints`), once made: the same while the chunk is, which names its scope too.
 */
interface ReportEntry {
  ruleId: string;
  report: Report;
  print?: string;
  /** The finding's message, once made (from the report's data: the same while the chunk is). */
  message?: string;
}

/**
 * Runs the rules over one parsed module in a single walk of its tree: every node goes to the
 * listeners subscribed to its type, and nothing else is visited twice.
 */
export function analyze(input: AnalysisInput, rules: readonly ActiveRule[]): AnalysisResult {
  const { text, tree, cache } = input;
  const semantic = new SemanticModel(text);
  const imports = semantic.collectModuleImports(tree, cache !== undefined);

  const pending: PendingReport[] = [];
  const failed = new Set<AnyRule>();
  const ruleErrors: string[] = [];
  const fail = (active: ActiveRule, e: unknown): void => {
    failed.add(active.rule);
    ruleErrors.push(`${active.rule.meta.id}: ${(e as Error).stack ?? String(e)}`);
  };
  /** Each rule's node listeners, by rule: where a listener that threw is looked for (the semantic model's are in none). */
  const made: Array<{ active: ActiveRule; listeners: Record<string, unknown> }> = [];
  const ownerOf = (listener: Listener): ActiveRule | undefined => {
    for (const { active, listeners } of made) for (const key in listeners) if (listeners[key] === listener) return active;
    return undefined;
  };
  // A rule whose listener throws is done for this analysis: its listeners give way to one that does nothing.
  const listenerFailed = (listener: Listener, e: unknown): void => {
    const active = ownerOf(listener);
    if (!active) throw e;
    fail(active, e);
    for (const table of [everything, shared]) table?.replace((fn) => ownerOf(fn) === active, NOTHING);
  };
  // Two tables: every listener, and every listener but the local rules' (for chunks they can skip).
  const everything = new DispatchTable(tree.language, listenerFailed);
  // (Only a live document reuses chunks: without a cache, every chunk is walked with everything.)
  const shared = cache ? new DispatchTable(tree.language, listenerFailed) : undefined;
  const both = (register: (t: DispatchTable) => void): void => {
    register(everything);
    if (shared) register(shared);
  };
  // For the few calls that are not per node (`chunk:exit`, `module:exit`).
  const guard = <R>(active: ActiveRule, fn: () => R) => (): R | undefined => {
    if (failed.size > 0 && failed.has(active.rule)) return undefined;
    try {
      return fn();
    } catch (e) {
      fail(active, e);
      return undefined;
    }
  };
  const moduleExits: Array<() => void> = [];

  /** What the walk of the current chunk gives the cache. */
  let current: ChunkRecord | undefined;
  for (const t of SEMANTIC_ENTER) both((d) => d.on(t, (n) => semantic.enter(n)));
  const suppressions: Suppression[] = [];
  both((d) =>
    d.on('comment', (n) => {
      const comment = n.text;
      // Its row only for a directive: finding a row builds the line index, which most files never need.
      if (!mayHoldSuppression(comment)) return;
      const s = parseSuppression(comment, n.startIndex, n.startPosition.row);
      if (!s) return;
      suppressions.push(s);
      current?.comments.push(n);
    }),
  );

  const byId = new Map<string, ActiveRule>();
  const created: string[] = [];
  const chunkExits: Array<{ active: ActiveRule; fn: () => unknown; facts: unknown[] }> = [];
  let allLocal = true;
  for (const active of rules) {
    const { meta } = active.rule;
    if (meta.requires && !meta.requires.some((m) => semantic.isImported(m))) continue;
    byId.set(meta.id, active);
    if (cache) created.push(`${meta.id}${meta.local ? '' : ' (walks every chunk)'}${JSON.stringify(active.options)}`);
    const facts: unknown[] = [];
    const listeners = active.rule.create({
      text,
      root: tree.rootNode,
      options: active.options,
      semantic,
      notebook: input.notebook,
      chunkFacts: facts,
      report: (report) => {
        const entry = meta.local && current ? { ruleId: meta.id, report } : undefined;
        pending.push({ active, report, entry });
        if (entry) current!.reports.push(entry);
      },
    });
    const alsoShared = !meta.local && shared !== undefined;
    made.push({ active, listeners });
    // (A for-in over the listeners and their keys read from a cache: done for every rule of every file.)
    for (const key in listeners) {
      const fn = listeners[key];
      if (!fn) continue;
      if (key === 'module:exit') {
        const exit = guard(active, fn as () => void);
        moduleExits.push(() => exit());
      } else if (key === 'chunk:exit') {
        if (!meta.local) throw new Error(`${meta.id}: only a local rule can have a chunk:exit listener`);
        chunkExits.push({ active, fn: guard(active, fn as () => unknown), facts });
      } else {
        // A rule that is not local needs every chunk walked.
        if (!meta.local) allLocal = false;
        // Called as it is for every node of its type: a wrapper per call costs more than the listener.
        const listener = fn as Listener;
        const { exit, ids } = listenerKey(tree.language, key);
        everything.add(exit, ids, listener);
        if (alsoShared) shared.add(exit, ids, listener);
      }
    }
  }
  for (const t of SEMANTIC_EXIT) both((d) => d.onExit(t, (n) => semantic.exit(n)));

  const rulesKey = cache ? `${created.join('\n')}\n${notebookKey(input.notebook)}` : '';
  if (cache && cache.rules !== rulesKey) {
    cache.rules = rulesKey;
    cache.chunks = new WeakMap();
  }
  // The module-level changes of this analysis, in order. While they are those the last analysis made
  // (and the imports are the same), the facts a chunk sees are those it saw then: a chunk reused then
  // at the same point reads what it read, without asking again.
  const generation = cache ? ++cache.generation : 0;
  const previous = cache?.log ?? [];
  const log: LogEntry[] = [];
  let asBefore = cache !== undefined && sameImports(imports, cache.imports);
  // Kept at once, filled as the walk goes: the records this analysis touches count from this log, even
  // were it to end early.
  if (cache) {
    cache.imports = imports;
    cache.log = log;
  }
  // (Indexed loops here and over a chunk's record: run for every chunk at every keystroke, and a
  // for-of over the shared frozen empty list makes an iterator object each time.)
  const logChanges = (entries: readonly LogEntry[]): void => {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k];
      if (asBefore) asBefore = sameEntry(previous[log.length], e);
      log.push(e);
    }
  };
  // A file header (row 0 or 1) is read differently (a shebang, an encoding line): its chunk is never reused.
  const firstLines = headerEnd(text);
  const syntaxErrors: Node[] = [];
  dispatch(everything.enter[tree.moduleTypeId] ?? [], tree.rootNode, everything);
  walkNamed(
    tree,
    (chunk) => {
      // A large class's header opens the class its body's chunks are analysed in: walked every time.
      if (chunk.guests?.length) {
        current = undefined;
        if (cache) logChanges([{ header: chunk.id }]);
        return everything;
      }
      const known = cache?.chunks.get(chunk);
      const factsAsBefore = asBefore && known?.generation === generation - 1 && known.logged === log.length;
      if (known && failed.size === 0 && chunk.base >= firstLines && (factsAsBefore || semantic.answersAsBefore(known.reads))) {
        known.generation = generation;
        known.logged = log.length;
        logChanges(known.changes);
        const shift = chunk.base - known.base;
        const { reports, facts, comments } = known;
        for (let k = 0; k < reports.length; k++) {
          const entry = reports[k];
          const { ruleId, report } = entry;
          const active = byId.get(ruleId)!;
          const moved = shift === 0 ? report : movedReport(report, shift);
          pending.push({ active, report: moved, entry });
        }
        for (let k = 0; k < facts.length; k++) chunkExits[facts[k].exit].facts.push(facts[k].value);
        if (!allLocal) return shared;
        // Nothing else needs the walk: replay what it would do.
        if (known.changes.length > 0) semantic.replay(known.changes);
        if (known.errors.length > 0) syntaxErrors.push(...known.errors);
        for (let k = 0; k < comments.length; k++) {
          const n = comments[k];
          suppressions.push(parseSuppression(n.text, n.startIndex, n.startPosition.row)!);
        }
        return undefined;
      }
      // Only a live document keeps what the walk did.
      if (cache) {
        current = { reads: [], generation, logged: log.length, base: chunk.base, reports: [], facts: [], changes: [], errors: [], comments: [] };
        semantic.record();
      }
      return everything;
    },
    (chunk, used, errors) => {
      if (errors.length > 0) syntaxErrors.push(...errors);
      if (used !== everything) return;
      const record = current;
      current = undefined;
      chunkExits.forEach((exit, k) => {
        const value = exit.fn();
        if (value === undefined) return;
        exit.facts.push(value);
        record?.facts.push({ exit: k, value });
      });
      if (!cache || !record) return;
      ({ changes: record.changes, reads: record.reads } = semantic.recorded());
      // The record outlives this version of the text: nothing in it may be a view of that text (see detach.ts).
      detachStrings(record.changes);
      detachStrings(record.reads);
      detachStrings(record.facts);
      detachStrings(record.reports);
      logChanges(record.changes);
      record.errors = errors;
      // Most chunks report nothing and have no errors or suppressions: their records share one empty
      // list, which a reuse reads without reaching for lists of their own.
      for (const key of ['reads', 'reports', 'facts', 'changes', 'errors', 'comments'] as const) if (record[key].length === 0) record[key] = NONE;
      const reusable = failed.size === 0 && chunk.base >= firstLines && record.reports.every(({ ruleId, report }) => !report.fixes?.length || (byId.get(ruleId)!.rule.meta.chunkFixes === true && editsWithin(report.fixes, chunk)));
      if (!reusable) {
        cache.chunks.delete(chunk);
        return;
      }
      cache.chunks.set(chunk, record);
    },
  );
  dispatch(everything.exit[tree.moduleTypeId] ?? [], tree.rootNode, everything);
  for (const exit of moduleExits) exit();

  // (The line index is made only where a finding or a suppression needs it: most checked files have neither.)
  const finder = new FindingBuilder(text, input.cells, tree);
  const findings: Finding[] = [];
  // (Only a live document keeps entries: it re-uses what their fingerprints are made from.)
  const entries = cache ? new Map<Finding, ReportEntry>() : undefined;
  for (const { active, report, entry } of pending) {
    if (failed.has(active.rule)) continue;
    const finding = finder.build(active, report, entry);
    findings.push(finding);
    if (entry) entries!.set(finding, entry);
  }

  const syntaxRule = rules.find((r) => r.rule === syntaxError);
  if (syntaxRule) {
    for (const node of syntaxErrors.slice(0, MAX_SYNTAX_ERRORS)) {
      const detail = node.isMissing ? `missing ${JSON.stringify(node.type)}` : `unexpected ${describe(node)}`;
      findings.push(finder.build(syntaxRule, { node, messageId: 'default', data: { detail } }));
    }
  }

  const kept = applySuppressions(findings, suppressions, tree);
  const unusedRule = rules.find((r) => r.rule === unusedSuppression);
  if (unusedRule) {
    let known = ruleNames.get(rules);
    if (!known) ruleNames.set(rules, (known = new Set(rules.flatMap((r) => [r.rule.meta.id, r.rule.meta.code]))));
    for (const report of unusedSuppressionReports(suppressions, known, text)) kept.push(finder.build(unusedRule, report));
  }
  kept.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  finder.assignFingerprints(kept, entries);
  return { findings: kept, ruleErrors };
}

/** The ids and codes of a rule set, which a suppression may name: made once per set, not per file. */
const ruleNames = new WeakMap<readonly ActiveRule[], Set<string>>();

function sameImports(a: readonly ModuleChange[][], b: readonly ModuleChange[][]): boolean {
  return a.length === b.length && a.every((changes, i) => changes === b[i] || (changes.length === b[i].length && changes.every((c, k) => sameChange(c, b[i][k]))));
}

function sameEntry(a: LogEntry | undefined, b: LogEntry): boolean {
  if (a === b) return true;
  if (!a) return false;
  if ('header' in a || 'header' in b) return 'header' in a && 'header' in b && a.header === b.header;
  return sameChange(a, b);
}

/** Listeners by node type, kept by the grammar's type ids (a type name may have several). */
class DispatchTable implements Listeners {
  readonly enter: Array<Listener[] | undefined> = [];
  readonly exit: Array<Listener[] | undefined> = [];

  constructor(
    private readonly language: Language,
    readonly failed: (listener: Listener, error: unknown) => void,
  ) {}

  /** Puts `by` in place of the listeners `which` picks (in place: a walk may be going through them). */
  replace(which: (fn: Listener) => boolean, by: Listener): void {
    for (const table of [this.enter, this.exit]) {
      for (const fns of table) {
        if (!fns) continue;
        for (let k = 0; k < fns.length; k++) if (which(fns[k])) fns[k] = by;
      }
    }
  }

  on(type: string, fn: Listener): void {
    this.add(false, listenerKey(this.language, type).ids, fn);
  }

  onExit(type: string, fn: Listener): void {
    this.add(true, listenerKey(this.language, type).ids, fn);
  }

  /** `fn` for the nodes of the types `ids`, as they are entered or (`exit`) left. */
  add(exit: boolean, ids: readonly number[], fn: Listener): void {
    const table = exit ? this.exit : this.enter;
    for (let k = 0; k < ids.length; k++) (table[ids[k]] ??= []).push(fn);
  }
}

/** What a listener's key (`call`, `call:exit`) names: the type ids it listens to, and when. */
interface ListenerKey {
  exit: boolean;
  ids: readonly number[];
}

const listenerKeys = new WeakMap<Language, Map<string, ListenerKey>>();

/** The type ids and moment a listener key names in `language`, read once per key. */
function listenerKey(language: Language, key: string): ListenerKey {
  let keys = listenerKeys.get(language);
  if (!keys) listenerKeys.set(language, (keys = new Map()));
  let known = keys.get(key);
  if (!known) {
    const exit = key.endsWith(':exit');
    const type = exit ? key.slice(0, -':exit'.length) : key;
    const ids = languageTables(language).namedIds.get(type);
    if (!ids) throw new Error(`unknown node type ${JSON.stringify(type)} in a rule listener`);
    keys.set(key, (known = { exit, ids }));
  }
  return known;
}

function describe(node: Node): string {
  const t = node.text.trim().split('\n')[0];
  return t ? JSON.stringify(t.length > 30 ? t.slice(0, 30) + '…' : t) : 'end of input';
}

function applySuppressions(findings: Finding[], suppressions: Suppression[], tree: SyntaxTree): Finding[] {
  if (suppressions.length === 0) return findings;
  const byLine = new Map<number, Suppression[]>();
  const fileWide: Suppression[] = [];
  for (const s of suppressions) {
    if (s.scope === 'file') fileWide.push(s);
    else byLine.set(s.line, [...(byLine.get(s.line) ?? []), s]);
  }
  return findings.filter((f) => {
    if (f.ruleId === unusedSuppression.meta.id) return true;
    const line = tree.lines.positionAt(f.start).line;
    const here = [...(byLine.get(line) ?? []), ...fileWide];
    let suppressed = false;
    for (const s of here) if (suppresses(s, f.ruleId, f.code)) suppressed = true;
    return !suppressed;
  });
}

function* unusedSuppressionReports(suppressions: Suppression[], known: Set<string>, text: string): Generator<Report> {
  for (const s of suppressions) {
    if (s.rules.length === 0) {
      if (!s.usedBare) yield { start: s.commentStart, end: s.commentEnd, messageId: 'unused', data: { rules: 'every rule' }, fixes: [removeComment(s, text)] };
      continue;
    }
    const unknown = s.rules.filter((r) => !known.has(r) && !known.has(r.toUpperCase()));
    const unused = s.rules.filter((r, i) => !s.used[i] && !unknown.includes(r));
    if (unknown.length > 0) yield { start: s.commentStart, end: s.commentEnd, messageId: 'unknown', data: { rules: unknown.join(', ') } };
    if (unused.length === 0) continue;
    const remaining = s.rules.filter((r, i) => s.used[i] || unknown.includes(r));
    const fix =
      remaining.length === 0
        ? removeComment(s, text)
        : rewriteRules(s, text, remaining);
    yield { start: s.commentStart, end: s.commentEnd, messageId: 'unused', data: { rules: unused.join(', ') }, fixes: [fix] };
  }
}

function removeComment(s: Suppression, text: string): Fix {
  let start = s.commentStart;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  // A comment alone on its line takes the line with it.
  if (start === lineStart) {
    const nl = text.indexOf('\n', s.commentEnd);
    return { title: 'Remove the unused suppression', safety: 'safe', edits: [{ start, end: nl === -1 ? s.commentEnd : nl + 1, newText: '' }] };
  }
  return { title: 'Remove the unused suppression', safety: 'safe', edits: [{ start, end: s.commentEnd, newText: '' }] };
}

function rewriteRules(s: Suppression, text: string, remaining: string[]): Fix {
  const comment = text.slice(s.commentStart, s.commentEnd);
  const open = comment.indexOf('[');
  const close = comment.indexOf(']', open);
  return {
    title: 'Remove the unused rules from the suppression',
    safety: 'safe',
    edits: [{ start: s.commentStart + open + 1, end: s.commentStart + close, newText: remaining.join(', ') }],
  };
}

/** Turns reports into findings: positions (per cell for notebooks), messages and fingerprints. */
class FindingBuilder {
  constructor(
    private readonly text: string,
    private readonly cells: CellMap | undefined,
    private readonly tree: SyntaxTree,
  ) {}

  private get lines(): LineIndex {
    return this.tree.lines;
  }

  build(active: ActiveRule, report: Report, entry?: ReportEntry): Finding {
    const { meta } = active.rule;
    const start = report.node?.startIndex ?? report.start ?? 0;
    const end = report.node?.endIndex ?? report.end ?? start;
    let message = entry?.message;
    if (message === undefined) {
      const template = meta.messages[report.messageId];
      if (template === undefined) throw new Error(`${meta.id} reported an unknown messageId ${report.messageId}`);
      message = template.replace(/\{(\w+)\}/g, (m, k: string) => (report.data && k in report.data ? String(report.data[k]) : m));
      if (entry) entry.message = message = detached(message);
    }
    let startPos = this.lines.positionAt(start);
    let endPos = this.lines.positionAt(end);
    let cell: number | undefined;
    if (this.cells) {
      const segment = this.cells.segmentAt(start);
      if (segment) {
        cell = segment.cell;
        const segEnd = this.lines.positionAt(segment.start + segment.length);
        if (endPos.line > segEnd.line || (endPos.line === segEnd.line && endPos.column > segEnd.column)) endPos = segEnd;
        startPos = { line: startPos.line - segment.line, column: startPos.column };
        endPos = { line: endPos.line - segment.line, column: endPos.column };
      }
    }
    return {
      ruleId: meta.id,
      code: meta.code,
      category: meta.category,
      severity: active.severity,
      message,
      start,
      end,
      range: { start: startPos, end: endPos },
      cell,
      fixes: (report.fixes ?? []).map((f) => ({ title: f.title, safety: f.safety, edits: f.edits })),
      tag: meta.tag,
      fingerprint: '',
    };
  }

  /**
   * rule + enclosing scope + the finding's text with white space folded: unchanged when lines move or
   * unrelated code changes. Identical triples are told apart by their order.
   */
  assignFingerprints(findings: Finding[], entries?: ReadonlyMap<Finding, ReportEntry>): void {
    const seen = new Map<string, number>();
    for (const f of findings) {
      const entry = entries?.get(f);
      let key = entry?.print;
      if (key === undefined) {
        const snippet = this.text.slice(f.start, Math.min(f.end, f.start + 300)).replace(/\s+/g, ' ').trim();
        key = `${f.ruleId}\u0000${this.scopePath(f.start)}\u0000${snippet}`;
        if (entry) entry.print = key = detached(key);
      }
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      f.fingerprint = fingerprintOf(`${key}\u0000${n}`);
    }
  }

  private scopePath(offset: number): string {
    const names: string[] = [];
    for (let n: Node | null = this.tree.rootNode.descendantForIndex(offset); n; n = n.parent) {
      if (n.type === 'function_definition' || n.type === 'class_definition') {
        const name = n.childForFieldName('name')?.text;
        if (name) names.push(name);
      }
    }
    return names.reverse().join('.');
  }
}

/**
 * The fingerprints made lately, by what they hash: a live document's analysis finds, at each
 * keystroke, mostly the findings it found before. Dropped whole when it grows large.
 */
const fingerprints = new Map<string, string>();
const MAX_FINGERPRINTS = 5_000;

function fingerprintOf(key: string): string {
  let print = fingerprints.get(key);
  if (print === undefined) {
    if (fingerprints.size >= MAX_FINGERPRINTS) fingerprints.clear();
    print = createHash('sha256').update(key).digest('hex').slice(0, 16);
    fingerprints.set(key, print);
  }
  return print;
}

/**
 * What of a notebook the local rules may read while walking a chunk: the cells' kinds, execution
 * counts and failures, not their text. When it changes, nothing is reused.
 */
function notebookKey(notebook: NotebookData | undefined): string {
  if (!notebook) return '';
  return notebook.cells.map((c) => `${c.kind[0]}${c.executionCount ?? '-'}${c.outputs.some((o) => o.outputType === 'error') ? '!' : ''}`).join(',');
}
