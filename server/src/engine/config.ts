import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { ActiveRule } from './analyzer';
import type { AnyRule, OptionSpec, RuleOptions } from './rule';
import { SEVERITY_ORDER, type Severity } from './types';

/**
 * Configuration, from `[tool.mldebt]` in pyproject.toml (or the editor's settings, in the same shape):
 *
 *   select = ["MLD1", "data-leakage"]   # ids, codes, code prefixes or categories; default: all
 *   ignore = ["MLD209"]
 *   exclude = ["legacy/**"]            # globs, relative to the pyproject.toml
 *   fail-on = "warning"
 *   [tool.mldebt.rules.long-function]   # by id or code
 *   severity = "information"           # or "off"
 *   max-lines = 80                     # the rule's options, kebab- or camelCase
 */
export interface MldebtConfig {
  select?: string[];
  ignore?: string[];
  exclude?: string[];
  failOn?: Severity;
  rules?: Record<string, RuleSettings>;
}

export interface RuleSettings {
  severity?: Severity | 'off';
  options?: RuleOptions;
}

export class ConfigError extends Error {}

const SEVERITIES: ReadonlyArray<Severity | 'off'> = ['error', 'warning', 'information', 'hint', 'off'];

export interface LoadedConfig {
  config: MldebtConfig;
  /** The pyproject.toml it came from, if any; globs are relative to its folder. */
  file?: string;
}

/** The nearest pyproject.toml at or above `dir` that has a `[tool.mldebt]` table. */
export function findProjectConfig(dir: string, rules: readonly AnyRule[]): LoadedConfig {
  for (let d = dir; ; d = dirname(d)) {
    const file = join(d, 'pyproject.toml');
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      const config = parsePyproject(text, file, rules);
      if (config) return { config, file };
    }
    if (dirname(d) === d) return { config: {} };
  }
}

/** Reads `[tool.mldebt]` from pyproject text; undefined when the table is absent. */
export function parsePyproject(text: string, file: string, rules: readonly AnyRule[]): MldebtConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${file}: invalid TOML: ${(e as Error).message.split('\n')[0]}`);
  }
  const tool = doc.tool;
  if (!isTable(tool) || !('mldebt' in tool)) return undefined;
  return validateConfig(tool.mldebt, 'tool.mldebt', rules, file);
}

/** Checks a raw configuration object; errors name the offending key in `prefix.key` form. */
export function validateConfig(raw: unknown, prefix: string, rules: readonly AnyRule[], file = 'configuration'): MldebtConfig {
  const fail = (key: string, why: string): never => {
    throw new ConfigError(`${file}: ${prefix}.${key}: ${why}`);
  };
  if (!isTable(raw)) throw new ConfigError(`${file}: ${prefix} must be a table`);
  const config: MldebtConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'select':
      case 'ignore': {
        const list = stringList(value) ?? fail(key, 'must be a list of rule ids, codes, code prefixes or categories');
        for (const s of list) if (!rules.some((r) => selectorMatches(s, r))) fail(key, `${JSON.stringify(s)} matches no rule`);
        config[key] = list;
        break;
      }
      case 'exclude':
        config.exclude = stringList(value) ?? fail(key, 'must be a list of glob patterns');
        break;
      case 'fail-on':
      case 'failOn':
        if (typeof value !== 'string' || !(value in SEVERITY_ORDER)) fail(key, 'must be one of "error", "warning", "information", "hint"');
        config.failOn = value as Severity;
        break;
      case 'rules':
        if (!isTable(value)) fail(key, 'must be a table of rule ids or codes');
        config.rules = {};
        for (const [name, settings] of Object.entries(value as Record<string, unknown>)) {
          const rule = findRule(name, rules) ?? fail(`rules.${name}`, 'is not a rule id or code');
          config.rules[rule.meta.id] = validateRuleSettings(settings, rule, (k, why) => fail(`rules.${name}${k ? '.' + k : ''}`, why));
        }
        break;
      default:
        fail(key, 'unknown key (expected select, ignore, exclude, fail-on or rules)');
    }
  }
  return config;
}

function validateRuleSettings(raw: unknown, rule: AnyRule, fail: (key: string, why: string) => never): RuleSettings {
  if (typeof raw === 'string') raw = { severity: raw };
  if (!isTable(raw)) return fail('', 'must be a table (severity and options) or a severity string');
  const settings: RuleSettings = {};
  const specs: Record<string, OptionSpec> = rule.meta.options ?? {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'severity') {
      if (typeof value !== 'string' || !SEVERITIES.includes(value as Severity)) fail(key, `must be one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}`);
      settings.severity = value as Severity | 'off';
      continue;
    }
    const name = camelCase(key);
    const spec = specs[name] ?? fail(key, `unknown option for ${rule.meta.id}${Object.keys(specs).length ? ` (options: ${Object.keys(specs).map(kebabCase).join(', ')})` : ' (it has no options)'}`);
    if (!matchesType(value, spec)) fail(key, `must be a ${spec.type}`);
    (settings.options ??= {})[name] = value as RuleOptions[string];
  }
  return settings;
}

/** Combines configurations, later ones winning key by key (rule settings merge per rule). */
export function mergeConfigs(...configs: Array<MldebtConfig | undefined>): MldebtConfig {
  const out: MldebtConfig = {};
  for (const c of configs) {
    if (!c) continue;
    if (c.select) out.select = c.select;
    if (c.ignore) out.ignore = [...(out.ignore ?? []), ...c.ignore];
    if (c.exclude) out.exclude = [...(out.exclude ?? []), ...c.exclude];
    if (c.failOn) out.failOn = c.failOn;
    for (const [id, s] of Object.entries(c.rules ?? {})) {
      const prev = (out.rules ??= {})[id] ?? {};
      out.rules[id] = { severity: s.severity ?? prev.severity, options: { ...prev.options, ...s.options } };
    }
  }
  return out;
}

/** The rules to run, with severities and options resolved. */
export function activeRules(rules: readonly AnyRule[], config: MldebtConfig): ActiveRule[] {
  const out: ActiveRule[] = [];
  for (const rule of rules) {
    const settings = config.rules?.[rule.meta.id];
    const selected = config.select ? config.select.some((s) => selectorMatches(s, rule)) : true;
    const ignored = config.ignore?.some((s) => selectorMatches(s, rule)) ?? false;
    if (settings?.severity === 'off') continue;
    if (!settings?.severity && (!selected || ignored)) continue;
    const options: RuleOptions = {};
    for (const [name, spec] of Object.entries(rule.meta.options ?? {})) options[name] = spec.default;
    Object.assign(options, settings?.options);
    out.push({ rule, severity: settings?.severity ?? rule.meta.severity, options });
  }
  return out;
}

export function selectorMatches(selector: string, rule: AnyRule): boolean {
  const s = selector.trim();
  if (s === 'ALL') return true;
  const { id, code, category } = rule.meta;
  return s === id || s === category || (/^MLD\d*$/i.test(s) && code.startsWith(s.toUpperCase()));
}

export function findRule(name: string, rules: readonly AnyRule[]): AnyRule | undefined {
  return rules.find((r) => r.meta.id === name || r.meta.code === name.toUpperCase());
}

function matchesType(value: unknown, spec: OptionSpec): boolean {
  if (spec.type === 'string[]') return stringList(value) !== undefined;
  return typeof value === spec.type;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function camelCase(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
