/** Shapes shared by the engine, the rules, the CLI and the language server. Nothing here knows LSP. */

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITY_ORDER: Record<Severity, number> = { hint: 0, information: 1, warning: 2, error: 3 };

export type Category =
  | 'reproducibility'
  | 'data'
  | 'configuration'
  | 'api-misuse'
  | 'hygiene'
  | 'notebook'
  | 'self-admitted'
  | 'project'
  | 'meta';

/** Zero-based line, column in UTF-16 code units (what LSP and JavaScript strings use). */
export const CATEGORY_TITLES: Record<Category, string> = {
  meta: 'Engine',
  reproducibility: 'Reproducibility',
  data: 'Data and pipeline',
  configuration: 'Configuration',
  'api-misuse': 'Framework API misuse',
  hygiene: 'Code hygiene and glue code',
  notebook: 'Notebooks',
  'self-admitted': 'Self-admitted debt',
  project: 'Project and dependencies',
};

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of `[start, end)` (UTF-16 offsets into the analysed text) by `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export type FixSafety = 'safe' | 'unsafe';

export interface Fix {
  title: string;
  safety: FixSafety;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  code: string;
  category: Category;
  severity: Severity;
  message: string;
  /** Offsets into the analysed text. For a notebook, the text is the cells joined (see CellMap). */
  start: number;
  end: number;
  /** Position in the file (for a notebook, within `cell`). */
  range: Range;
  /** Index of the notebook cell among all cells of the notebook, or undefined for a plain file. */
  cell?: number;
  fixes: Fix[];
  /** How an editor may render it: faded (unnecessary code) or struck through (deprecated API). */
  tag?: 'unnecessary' | 'deprecated';
  /** Stable identity: survives unrelated edits and line moves. */
  fingerprint: string;
}
