import { META_RULES } from '../engine/metaRules';
import type { AnyRule } from '../engine/rule';
import dataframeValues from './dataframe-values';

/** Every rule mldebt ships, in catalogue order. Adding a rule adds one import and one line here. */
export const RULES: AnyRule[] = [
  ...META_RULES,
  // Reproducibility (MLD1xx)
  // Data and pipeline (MLD2xx)
  dataframeValues,
  // Framework API misuse (MLD4xx)
];
