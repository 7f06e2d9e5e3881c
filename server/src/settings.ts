import { dirname } from 'node:path';
import type { ActiveRule } from './engine/analyzer';
import { activeRules, ConfigError, findProjectConfig, mergeConfigs, validateConfig, type MldebtConfig } from './engine/config';
import type { AnyRule } from './engine/rule';

/** The `mldebt.*` settings as the client sends them (the schema is in package.json). */
export interface EditorSettings {
  enable: boolean;
  run: 'onType' | 'onSave';
  /** Milliseconds of quiet after the last change before analysing. */
  debounce: number;
  select?: string[];
  ignore: string[];
  exclude: string[];
  /** By rule id or code: a severity ("off" disables), or `{ severity, <option>: value }`. */
  rules: Record<string, unknown>;
}

export const DEFAULT_SETTINGS: EditorSettings = { enable: true, run: 'onType', debounce: 200, ignore: [], exclude: [], rules: {} };

/** What one document is analysed with: the rules, and where its exclude globs are relative to. */
export interface ResolvedSettings {
  editor: EditorSettings;
  rules: ActiveRule[];
  exclude: string[];
  /** Folder the exclude globs are relative to: the pyproject.toml's, else the workspace folder's. */
  root: string | undefined;
  /** A configuration problem to show the user, when there is one (defaults are used meanwhile). */
  problem?: string;
}

/**
 * Editor settings win over `[tool.mldebt]` in pyproject.toml, key by key: the project sets the
 * team's defaults, and a user may still turn a rule down for themselves.
 */
export function resolveSettings(raw: Partial<EditorSettings> | null | undefined, filePath: string | undefined, workspaceRoot: string | undefined, rules: readonly AnyRule[]): ResolvedSettings {
  const editor: EditorSettings = { ...DEFAULT_SETTINGS, ...(raw ?? {}) };
  let project: MldebtConfig = {};
  let root = workspaceRoot;
  const problems: string[] = [];
  if (filePath) {
    try {
      const found = findProjectConfig(dirname(filePath), rules);
      project = found.config;
      if (found.file) root = dirname(found.file);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(e.message);
    }
  }
  let fromEditor: MldebtConfig = {};
  try {
    const shaped: Record<string, unknown> = { ignore: editor.ignore, exclude: editor.exclude, rules: editor.rules };
    if (editor.select && editor.select.length > 0) shaped.select = editor.select;
    fromEditor = validateConfig(shaped, 'mldebt', rules, 'settings');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(e.message);
  }
  const config = mergeConfigs(project, fromEditor);
  return { editor, rules: activeRules(rules, config), exclude: config.exclude ?? [], root, problem: problems.length ? problems.join('; ') : undefined };
}
