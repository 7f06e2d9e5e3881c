import { FOUND, OPEN, type ChunkTree, type LanguageTables, type SyntaxTree } from './mirror';
import { detachStrings } from './detach';
import type { Node } from './parser';
import { calleeOf } from './syntax';

/**
 * What the rules share about names: which imports they refer to (`pd.read_csv` is
 * `pandas.read_csv`) and, by simple tracking of assignments, what kind of value they hold.
 * The model is filled during the one walk of the tree, so it answers for the code seen so far,
 * except module-level imports, which are collected before the walk.
 */
export type ValueKind =
  | 'dataframe'
  | 'series'
  /** A pandas frame or series; which one is not known (`df[key]`, `pd.concat(...)`). */
  | 'pandas'
  | 'ndarray'
  | 'tensor'
  | 'torch-module'
  | 'optimizer'
  | 'dataloader'
  | 'estimator'
  /** A Keras model (`keras.Sequential(...)`, `keras.models.load_model(...)`). */
  | 'keras-model';

export type Binding =
  | { type: 'import'; qualifiedName: string }
  | { type: 'value'; kind: ValueKind | undefined }
  | { type: 'class'; instanceKind: ValueKind | undefined };

type ScopeType = 'module' | 'class' | 'function';

/** A change to module-level facts, as noted while a chunk is walked and replayed when it is not. */
export type ModuleChange = { name: string; binding: Binding } | { module: string };

/**
 * A fact of the module (or, for a statement of a large class's body, of the class) that a chunk's walk
 * read without setting it itself, with the answer it got: whether a module is imported, the name a
 * qualified name is imported as, what a module-level or class-level name is bound to.
 */
export type Read =
  | { kind: 'import' | 'nameFor'; key: string; answer: string }
  | { kind: 'name' | 'class'; key: string; binding: Binding | undefined };

class Scope {
  bindings = new Map<string, Binding>();
  /** Dotted names (`self.model`, `cfg.lr.decay`) by each name they are under (`cfg` and `cfg.lr`). */
  readonly dotted = new Map<string, Set<string>>();
  constructor(
    readonly type: ScopeType,
    readonly parent: Scope | undefined,
    /** The function, lambda or class that opens the scope. */
    readonly node?: Node,
  ) {}
}

const ML_LIBRARIES = ['numpy', 'pandas', 'sklearn', 'torch', 'tensorflow', 'keras', 'jax', 'xgboost', 'lightgbm', 'catboost', 'scipy', 'transformers', 'polars', 'statsmodels'];

/** pandas functions that return a DataFrame. */
const PANDAS_FRAME_FACTORIES = new Set(
  [
    'DataFrame', 'read_csv', 'read_table', 'read_parquet', 'read_excel', 'read_json', 'read_sql', 'read_sql_query',
    'read_sql_table', 'read_feather', 'read_pickle', 'read_hdf', 'read_fwf', 'read_orc', 'read_stata', 'read_sas',
    'read_spss', 'read_xml', 'merge', 'merge_asof', 'merge_ordered', 'get_dummies', 'pivot_table', 'crosstab',
    'json_normalize', 'pivot', 'melt',
  ].map((n) => `pandas.${n}`),
);

/** DataFrame methods that return a new DataFrame (when not called with `inplace=True`). */
export const FRAME_METHODS = new Set([
  'abs', 'add_prefix', 'add_suffix', 'agg', 'aggregate', 'align', 'assign', 'astype', 'bfill', 'clip', 'combine',
  'combine_first', 'convert_dtypes', 'copy', 'corr', 'cov', 'cummax', 'cummin', 'cumprod', 'cumsum', 'describe',
  'diff', 'drop', 'drop_duplicates', 'droplevel', 'dropna', 'explode', 'ffill', 'fillna', 'filter', 'head',
  'infer_objects', 'interpolate', 'join', 'mask', 'melt', 'merge', 'nlargest', 'nsmallest', 'pct_change', 'pivot',
  'pivot_table', 'query', 'rank', 'reindex', 'rename', 'rename_axis', 'reorder_levels', 'replace', 'reset_index',
  'round', 'sample', 'select_dtypes', 'set_axis', 'set_index', 'shift', 'sort_index', 'sort_values', 'stack', 'tail',
  'transform', 'transpose', 'truncate', 'tz_convert', 'tz_localize', 'unstack', 'update', 'where', 'applymap', 'map',
  'apply', 'isna', 'isnull', 'notna', 'notnull', 'clip', 'asfreq', 'resample', 'swaplevel',
]);

const NUMPY_ARRAY_FACTORIES = new Set(
  [
    'array', 'asarray', 'zeros', 'ones', 'empty', 'full', 'arange', 'linspace', 'logspace', 'zeros_like', 'ones_like',
    'empty_like', 'full_like', 'eye', 'identity', 'stack', 'vstack', 'hstack', 'concatenate', 'load', 'loadtxt',
    'genfromtxt', 'fromfile', 'frombuffer', 'column_stack', 'meshgrid',
  ].map((n) => `numpy.${n}`),
);

const TORCH_TENSOR_FACTORIES = new Set(
  ['tensor', 'as_tensor', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn', 'randint', 'arange', 'linspace',
    'from_numpy', 'stack', 'cat', 'zeros_like', 'ones_like', 'randn_like', 'rand_like'].map((n) => `torch.${n}`),
);

/** torch.nn names that are not modules although capitalised. */
const TORCH_NN_NON_MODULES = new Set(['Parameter', 'ParameterList', 'ParameterDict', 'Buffer']);

/** Methods that return the receiver's kind (`model.to(device)`, `est.fit(X, y)`). */
const SELF_RETURNING: Partial<Record<ValueKind, Set<string>>> = {
  'torch-module': new Set(['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'double', 'half', 'bfloat16', 'requires_grad_']),
  tensor: new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'long', 'int', 'detach', 'clone', 'contiguous', 'view', 'reshape', 'squeeze', 'unsqueeze', 'permute', 'transpose']),
  estimator: new Set(['fit', 'set_params']),
};

const SERIES_METHODS = new Set([
  'abs', 'astype', 'clip', 'copy', 'cumsum', 'diff', 'drop', 'drop_duplicates', 'dropna', 'fillna', 'head', 'map',
  'rank', 'rename', 'replace', 'reset_index', 'round', 'sample', 'shift', 'sort_index', 'sort_values', 'tail', 'where',
  'mask', 'apply', 'isna', 'notna', 'value_counts', 'str', 'dt',
]);

/** How many semantic models were made: each one's number. */
let models = 0;

export class SemanticModel {
  private scope: Scope = new Scope('module', undefined);
  private readonly moduleScope = this.scope;
  private importedModules = new Set<string>();
  private readonly resolved = new Map<number, string | undefined>();
  /**
   * While a chunk is walked: the changes it makes to the facts of the scope it is walked in (the
   * module's, or for a statement of a large class's body, the class's), and that scope.
   */
  private recording: ModuleChange[] | undefined;
  private recordScope: Scope | undefined;
  /** While a chunk is walked: what it asks of the module-level facts it did not set itself, and the answers. */
  private reads: Record<Read['kind'], Map<string, Read>> | undefined;
  /** While a chunk is walked: the names it bound itself, at module level and in the class it is walked in. */
  private readonly boundHere = { name: new Set<string>(), class: new Set<string>() };
  /** Answers to `imports` and `nameFor`, until an import changes them (`nameFor`: a binding to the name asked about). */
  private readonly importAnswers = new Map<string, boolean>();
  private readonly nameAnswers = new Map<string, string | undefined>();

  /** This model's number, by which nodes tell the names it resolved (see `qualifiedName`). */
  private readonly serial = ++models;

  constructor(private readonly text: string) {}

  private addModule(module: string): void {
    if (this.importedModules.has(module)) return;
    this.importedModules.add(module);
    this.importAnswers.clear();
    this.recording?.push({ module });
  }

  /** Starts noting changes to module-level facts, and what is read of them: a chunk is about to be walked. */
  record(): void {
    this.recording = [];
    this.recordScope = this.scope;
    // By kind, then by key: asked at every module-level name a walk looks up, so no key is put together.
    this.reads = { import: new Map(), nameFor: new Map(), name: new Map(), class: new Map() };
    this.boundHere.name.clear();
    this.boundHere.class.clear();
  }

  /** The changes and reads noted since `record()`. */
  recorded(): { changes: ModuleChange[]; reads: Read[] } {
    const r = this.reads;
    const noted = { changes: this.recording ?? [], reads: r ? [...r.import.values(), ...r.nameFor.values(), ...r.name.values(), ...r.class.values()] : [] };
    this.recording = undefined;
    this.recordScope = undefined;
    this.reads = undefined;
    return noted;
  }

  /**
   * Whether every module-level fact in `reads` has, now, the answer it had when they were noted: then
   * a walk of the same chunk from here would see what that walk saw.
   */
  answersAsBefore(reads: readonly Read[]): boolean {
    // Indexed: asked of most chunks at every keystroke, often of the shared frozen empty list, which a
    // for-of would make an iterator for each time.
    for (let k = 0; k < reads.length; k++) {
      const r = reads[k];
      switch (r.kind) {
        case 'import':
          if ((this.imports(r.key) ? 'yes' : 'no') !== r.answer) return false;
          break;
        case 'nameFor':
          if ((this.nameFor(r.key) ?? '') !== r.answer) return false;
          break;
        case 'name':
          if (!sameBinding(this.moduleScope.bindings.get(r.key), r.binding)) return false;
          break;
        case 'class':
          // Asked where the chunk that read it starts: in its class.
          if (!sameBinding(this.scope.bindings.get(r.key), r.binding)) return false;
          break;
      }
    }
    return true;
  }

  /** Where to note a read of `key` of a kind: undefined when no chunk is recorded, or it is noted already. */
  private unread(kind: Read['kind'], key: string): Map<string, Read> | undefined {
    const noted = this.reads?.[kind];
    return noted && !noted.has(key) ? noted : undefined;
  }

  /** Applies the changes an earlier walk of an unchanged chunk noted, as if the chunk were walked. */
  replay(changes: readonly ModuleChange[]): void {
    for (let k = 0; k < changes.length; k++) {
      const c = changes[k];
      if ('module' in c) this.addModule(c.module);
      else this.bind(c.name, c.binding);
    }
  }

  /** True when `module` or one of its submodules is imported anywhere in the module seen so far. */
  isImported(module: string): boolean {
    const answer = this.imports(module);
    this.unread('import', module)?.set(module, { kind: 'import', key: module, answer: answer ? 'yes' : 'no' });
    return answer;
  }

  private imports(module: string): boolean {
    let answer = this.importAnswers.get(module);
    if (answer === undefined) {
      const prefix = `${module}.`;
      answer = this.importedModules.has(module);
      if (!answer) {
        for (const m of this.importedModules) {
          if (m.startsWith(prefix)) {
            answer = true;
            break;
          }
        }
      }
      this.importAnswers.set(module, answer);
    }
    return answer;
  }

  /**
   * True when the module imports a machine-learning or numerical library: the rules about general
   * Python (`random`, `pickle`) speak up only in such code, where reproducibility and model files matter.
   */
  isMachineLearningCode(): boolean {
    return ML_LIBRARIES.some((m) => this.isImported(m));
  }

  /** The module-level name bound by import to `qualifiedName` (`numpy` → `np`), for fixes that must spell it. */
  importedNameFor(qualifiedName: string): string | undefined {
    const answer = this.nameFor(qualifiedName);
    this.unread('nameFor', qualifiedName)?.set(qualifiedName, { kind: 'nameFor', key: qualifiedName, answer: answer ?? '' });
    return answer;
  }

  private nameFor(qualifiedName: string): string | undefined {
    if (this.nameAnswers.has(qualifiedName)) return this.nameAnswers.get(qualifiedName);
    let answer: string | undefined;
    for (const [name, b] of this.moduleScope.bindings) {
      if (b.type === 'import' && b.qualifiedName === qualifiedName && !name.includes('.')) {
        answer = name;
        break;
      }
    }
    this.nameAnswers.set(qualifiedName, answer);
    return answer;
  }

  /**
   * Records module-level imports before the walk, so code above an import still resolves it. With
   * `keep`, what each chunk imports is found once and kept with the chunk (a live document asks again
   * on every keystroke, and its unchanged chunks are the same objects); then returns, in order, the
   * imports of the chunks that have any.
   */
  collectModuleImports(tree: SyntaxTree, keep = false): ModuleChange[][] {
    const found: ModuleChange[][] = [];
    const { chunks } = tree;
    for (let k = 0; k < chunks.length; k++) {
      const chunk = chunks[k];
      if (!keep) {
        for (const s of importStatements(chunk)) this.addImport(s);
        continue;
      }
      let changes = chunkImports.get(chunk);
      if (!changes) {
        const statements = importStatements(chunk);
        if (statements.length === 0) changes = NO_IMPORTS;
        else {
          // A model of its own, so that an import another chunk made too is still noted.
          const alone = new SemanticModel(this.text);
          alone.record();
          for (const s of statements) alone.addImport(s);
          changes = detachStrings(alone.recorded().changes);
        }
        chunkImports.set(chunk, changes);
      }
      if (changes.length > 0) found.push(changes);
    }
    if (keep) this.importAll(found);
    return found;
  }

  /**
   * Makes the imports `found` (by chunk, in order), as replaying them would. The same chunks' imports
   * as the last time are the same facts: those are copied, not made again one by one.
   */
  private importAll(found: ModuleChange[][]): void {
    const last = lastImports;
    if (last && last.found.length === found.length && last.found.every((changes, i) => changes === found[i])) {
      // (Nothing is in the model yet: the imports are collected first.)
      this.importedModules = new Set(last.modules);
      this.moduleScope.bindings = new Map(last.bindings);
      for (const [head, keys] of last.dotted) this.moduleScope.dotted.set(head, new Set(keys));
      return;
    }
    for (const changes of found) this.replay(changes);
    const dotted = new Map<string, Set<string>>();
    for (const [head, keys] of this.moduleScope.dotted) dotted.set(head, new Set(keys));
    lastImports = { found, modules: new Set(this.importedModules), bindings: new Map(this.moduleScope.bindings), dotted };
  }

  addImport(node: Node): void {
    if (node.type === 'import_statement') {
      for (const name of node.childrenForFieldName('name')) {
        if (!name) continue;
        if (name.type === 'aliased_import') {
          const module = name.childForFieldName('name')?.text;
          const alias = name.childForFieldName('alias')?.text;
          if (module && alias) {
            this.addModule(module);
            this.bind(alias, { type: 'import', qualifiedName: module });
          }
        } else {
          const module = name.text;
          this.addModule(module);
          const head = module.split('.')[0];
          this.bind(head, { type: 'import', qualifiedName: head });
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode || moduleNode.type === 'relative_import') return;
    const module = moduleNode.text;
    this.addModule(module);
    for (const name of node.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const imported = name.childForFieldName('name')?.text;
        const alias = name.childForFieldName('alias')?.text;
        if (imported && alias) this.bindImported(module, imported, alias);
      } else {
        this.bindImported(module, name.text, name.text);
      }
    }
  }

  private bindImported(module: string, imported: string, alias: string): void {
    const qualifiedName = `${module}.${imported}`;
    // `from torch import nn` imports a submodule; remember it as imported too.
    this.addModule(qualifiedName);
    this.bind(alias, { type: 'import', qualifiedName });
  }

  /**
   * The fully qualified name an identifier or attribute chain refers to through an import
   * (`np.random.seed` → `numpy.random.seed`), or undefined when it is not an imported name.
   */
  qualifiedName(node: Node | null | undefined): string | undefined {
    if (!node) return undefined;
    // Asked by many rules about the same node at the same point of the walk: answered once, on the node
    // itself where it does not outlive the analysis.
    if (node.resolvedBy === this.serial) return node.resolvedAs;
    const live = node.tree.live;
    if (live) {
      const known = this.resolved.get(node.id);
      if (known !== undefined || this.resolved.has(node.id)) return known;
    }
    const q = this.resolveName(node);
    if (live) this.resolved.set(node.id, q);
    else {
      node.resolvedBy = this.serial;
      node.resolvedAs = q;
    }
    return q;
  }

  private resolveName(node: Node): string | undefined {
    if (node.type === 'identifier') {
      const b = this.lookup(node.text);
      return b?.type === 'import' ? b.qualifiedName : undefined;
    }
    if (node.type === 'attribute') {
      const base = this.qualifiedName(node.childForFieldName('object'));
      // (Most chains lead to no import: their attribute is not looked for.)
      if (!base) return undefined;
      const attr = node.childForFieldName('attribute');
      return attr ? `${base}.${attr.text}` : undefined;
    }
    return undefined;
  }

  /** The kind of value an expression evaluates to, where simple tracking can tell. */
  kindOf(node: Node | null | undefined): ValueKind | undefined {
    if (!node) return undefined;
    switch (node.type) {
      case 'identifier':
      case 'attribute': {
        const key = dottedName(node);
        if (!key) return undefined;
        const b = this.lookup(key);
        return b?.type === 'value' ? b.kind : undefined;
      }
      case 'parenthesized_expression':
        return this.kindOf(node.namedChild(0));
      case 'call':
        return this.callKind(node);
      case 'subscript': {
        const kind = this.kindOf(node.childForFieldName('value'));
        if (kind === 'dataframe' || kind === 'pandas') return 'pandas';
        if (kind === 'series') return 'series';
        if (kind === 'ndarray' || kind === 'tensor') return kind;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private callKind(call: Node): ValueKind | undefined {
    const fn = calleeOf(call);
    if (!fn) return undefined;
    const q = this.qualifiedName(fn);
    if (q) return kindOfFactory(q);
    if (fn.type === 'identifier') {
      const b = this.lookup(fn.text);
      return b?.type === 'class' ? b.instanceKind : undefined;
    }
    if (fn.type !== 'attribute') return undefined;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const receiver = this.kindOf(fn.childForFieldName('object'));
    if (!receiver) return undefined;
    if (receiver === 'dataframe' || receiver === 'pandas') {
      if (hasKeyword(call, 'inplace', 'True')) return undefined;
      return FRAME_METHODS.has(method) ? receiver : undefined;
    }
    if (receiver === 'series') return SERIES_METHODS.has(method) && !hasKeyword(call, 'inplace', 'True') ? 'series' : undefined;
    return SELF_RETURNING[receiver]?.has(method) ? receiver : undefined;
  }

  /**
   * The innermost function or lambda around the node being walked (undefined at module level), known
   * without walking up the tree.
   */
  currentFunction(): Node | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) if (s.type === 'function') return s.node;
    return undefined;
  }

  /** The innermost `def` (lambdas skipped) or class around the node being walked. */
  enclosing(type: 'function_definition' | 'class_definition'): Node | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) if (s.node?.type === type) return s.node;
    return undefined;
  }

  /** The innermost class around the node being walked. */
  currentClass(): Node | undefined {
    for (let s: Scope | undefined = this.scope; s; s = s.parent) if (s.type === 'class') return s.node;
    return undefined;
  }

  /** Called by the walk when it enters and leaves nodes that open scopes or bind names. */
  enter(node: Node): void {
    switch (node.type) {
      case 'function_definition':
      case 'lambda': {
        this.scope = new Scope('function', this.scope, node);
        for (const p of parameterNames(node)) this.bind(p, { type: 'value', kind: undefined });
        break;
      }
      case 'class_definition': {
        const name = node.childForFieldName('name')?.text;
        if (name) this.bind(name, { type: 'class', instanceKind: this.classInstanceKind(node) });
        this.scope = new Scope('class', this.scope, node);
        break;
      }
      case 'import_statement':
      case 'import_from_statement':
        if (this.scope !== this.moduleScope) this.addImport(node);
        break;
      case 'for_statement':
      case 'for_in_clause':
        for (const t of targetNames(node.childForFieldName('left'))) this.bind(t, { type: 'value', kind: undefined });
        break;
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        for (const t of targetNames(alias?.namedChild(0) ?? alias)) this.bind(t, { type: 'value', kind: undefined });
        break;
      }
    }
  }

  exit(node: Node): void {
    switch (node.type) {
      case 'function_definition':
      case 'lambda':
      case 'class_definition':
        this.scope = this.scope.parent ?? this.moduleScope;
        break;
      case 'assignment':
        this.assign(node);
        break;
    }
  }

  /** Binds the targets of `left = right` (called once the right side has been walked). */
  private assign(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    if (left.type === 'identifier' || left.type === 'attribute') {
      const key = dottedName(left);
      if (key) this.bind(key, { type: 'value', kind: this.kindOf(right) });
      return;
    }
    const targets = left.namedChildren;
    const values = right.type === 'expression_list' || right.type === 'tuple' ? right.namedChildren : undefined;
    const splitInputs = values ? undefined : this.splitInputs(right);
    targets.forEach((t, i) => {
      if (!t) return;
      let kind: ValueKind | undefined;
      if (values) kind = this.kindOf(values[i]);
      else if (splitInputs) kind = this.kindOf(splitInputs[i >> 1]);
      for (const name of targetNames(t)) this.bind(name, { type: 'value', kind });
    });
  }

  /** For `train_test_split(X, y, ...)`, the positional inputs (outputs come in train/test pairs). */
  private splitInputs(node: Node): Node[] | undefined {
    if (node.type !== 'call') return undefined;
    if (this.qualifiedName(calleeOf(node)) !== 'sklearn.model_selection.train_test_split') return undefined;
    return (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (a): a is Node => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment',
    );
  }

  private classInstanceKind(node: Node): ValueKind | undefined {
    const bases = node.childForFieldName('superclasses')?.namedChildren ?? [];
    for (const base of bases) {
      if (!base) continue;
      const q = this.qualifiedName(base);
      if (q === 'torch.nn.Module' || q === 'torch.nn.modules.module.Module') return 'torch-module';
      if (q?.startsWith('torch.nn.') && /^[A-Z]/.test(q.split('.').pop() ?? '')) return 'torch-module';
      if (q?.startsWith('sklearn.')) return 'estimator';
      if (base.type === 'identifier') {
        const b = this.lookup(base.text);
        if (b?.type === 'class' && b.instanceKind) return b.instanceKind;
      }
    }
    return undefined;
  }

  private bind(name: string, binding: Binding): void {
    let scope = this.scope;
    // `self.x = ...` in a method belongs to the class, where every method sees it.
    if (name.startsWith('self.')) {
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        if (s.type === 'class') {
          scope = s;
          break;
        }
      }
    }
    const before = scope.bindings.get(name);
    scope.bindings.set(name, binding);
    // Only the answers for the imports this name named, and now names, can change.
    if (scope === this.moduleScope) {
      if (before?.type === 'import') this.nameAnswers.delete(before.qualifiedName);
      if (binding.type === 'import') this.nameAnswers.delete(binding.qualifiedName);
    }
    if (this.recording && scope === this.recordScope) {
      this.recording.push({ name, binding });
      this.boundHere[scope === this.moduleScope ? 'name' : 'class'].add(name);
    }
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      const prefix = name.slice(0, dot);
      let keys = scope.dotted.get(prefix);
      if (!keys) scope.dotted.set(prefix, (keys = new Set()));
      keys.add(name);
    }
    // Rebinding `x` forgets what was known of `x.attr` and `x.attr.more` (found through an index:
    // modules bind thousands of names, and a class hundreds of `self.` ones).
    if (binding.type === 'value') {
      const keys = scope.dotted.get(name);
      if (keys) for (const key of keys) scope.bindings.delete(key);
    }
  }

  private lookup(name: string): Binding | undefined {
    const isSelf = name.startsWith('self.');
    for (let s: Scope | undefined = this.scope; s; s = s.parent) {
      // Class bodies are not visible from their methods, except through `self`.
      if (s.type === 'class' && s !== this.scope && !isSelf) continue;
      const b = s.bindings.get(name);
      if (this.reads && (s === this.moduleScope || s === this.recordScope)) {
        const kind = s === this.moduleScope ? 'name' : 'class';
        if (!this.boundHere[kind].has(name)) this.unread(kind, name)?.set(name, { kind, key: name, binding: b });
      }
      if (b) return b;
    }
    return undefined;
  }

  /** The source text of a node (handy for rules that hold only the model). */
  textOf(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }
}

/** Whether two changes to module-level facts make the same change. */
export function sameChange(a: ModuleChange, b: ModuleChange): boolean {
  if (a === b) return true;
  if ('module' in a || 'module' in b) return 'module' in a && 'module' in b && a.module === b.module;
  return a.name === b.name && sameBinding(a.binding, b.binding);
}

/** Whether two bindings say the same of a name. */
function sameBinding(a: Binding | undefined, b: Binding | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.type !== b.type) return false;
  if (a.type === 'import') return a.qualifiedName === (b as typeof a).qualifiedName;
  if (a.type === 'value') return a.kind === (b as typeof a).kind;
  return a.instanceKind === (b as typeof a).instanceKind;
}

function kindOfFactory(q: string): ValueKind | undefined {
  if (PANDAS_FRAME_FACTORIES.has(q)) return 'dataframe';
  if (q === 'pandas.Series') return 'series';
  if (q === 'pandas.concat') return 'pandas';
  if (NUMPY_ARRAY_FACTORIES.has(q)) return 'ndarray';
  if (TORCH_TENSOR_FACTORIES.has(q)) return 'tensor';
  const last = q.slice(q.lastIndexOf('.') + 1);
  const capitalised = /^[A-Z]/.test(last);
  if (q.startsWith('torch.optim.') && capitalised && !q.startsWith('torch.optim.lr_scheduler.')) return 'optimizer';
  if (q === 'torch.utils.data.DataLoader' || q === 'torch.utils.data.dataloader.DataLoader') return 'dataloader';
  if (q.startsWith('torch.nn.') && capitalised && !TORCH_NN_NON_MODULES.has(last) && !q.includes('.functional.')) {
    return 'torch-module';
  }
  if (q.startsWith('torchvision.models.') && !capitalised) return 'torch-module';
  if (q.startsWith('sklearn.') && capitalised) return 'estimator';
  if (/^(tensorflow\.)?keras\.(models\.)?(Sequential|Model)$|^(tensorflow\.)?keras\.(models|saving)\.load_model$/.test(q)) return 'keras-model';
  return undefined;
}

/** The import statements of a chunk that are module-level (in blocks too, not in a class body), in order. */
/** The module-level import statements of a chunk (a statement of a class body is not module-level). */
function importStatements(chunk: ChunkTree): readonly Node[] {
  let pick = importPicks.get(chunk.tables);
  if (!pick) {
    const { names } = chunk.tables;
    pick = new Uint8Array(names.length);
    names.forEach((name, id) => {
      if (name === 'import_statement' || name === 'import_from_statement') pick![id] = FOUND;
      else if (BLOCK_HOLDERS.has(name)) pick![id] = OPEN;
    });
    importPicks.set(chunk.tables, pick);
  }
  return chunk.findNested(pick);
}

/** For `importStatements`, by language: what `findNested` does with each type. */
const importPicks = new Map<LanguageTables, Uint8Array>();

/** What a chunk without an import statement imports: one list for them all, never added to. */
const NO_IMPORTS: ModuleChange[] = Object.freeze([]) as unknown as ModuleChange[];

/**
 * The facts the imports of a live document's analysis made last (see `importAll`): a keystroke that
 * touches no import finds the same chunks' imports again. One for all documents: kept while the
 * document analysed is the same, made again when another is.
 */
let lastImports: { found: ModuleChange[][]; modules: Set<string>; bindings: Map<string, Binding>; dotted: Map<string, Set<string>> } | undefined;

/** What each chunk of a live document imports, as changes to replay (see `collectModuleImports`). */
const chunkImports = new WeakMap<ChunkTree, ModuleChange[]>();

const BLOCK_HOLDERS = new Set([
  'if_statement', 'else_clause', 'elif_clause', 'try_statement', 'except_clause', 'finally_clause', 'with_statement',
  'block', 'except_group_clause',
]);

/** `a.b.c` for an identifier or a chain of attribute accesses on identifiers; otherwise undefined. */
export function dottedName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute');
    const base = object ? dottedName(object) : undefined;
    return base && attr ? `${base}.${attr.text}` : undefined;
  }
  return undefined;
}

function targetNames(node: Node | null | undefined): string[] {
  if (!node) return [];
  if (node.type === 'identifier' || node.type === 'attribute') {
    const d = dottedName(node);
    return d ? [d] : [];
  }
  if (['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list', 'list_splat_pattern', 'parenthesized_expression'].includes(node.type)) {
    return node.namedChildren.flatMap((c) => targetNames(c));
  }
  return [];
}

function parameterNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const names: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    if (p.type === 'identifier') names.push(p.text);
    else {
      const name = p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier');
      if (name?.type === 'identifier') names.push(name.text);
    }
  }
  return names;
}

function hasKeyword(call: Node, name: string, value: string): boolean {
  const args = call.childForFieldName('arguments');
  if (!args) return false;
  for (const a of args.namedChildren) {
    if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) {
      return a.childForFieldName('value')?.text === value;
    }
  }
  return false;
}
