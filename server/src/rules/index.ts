import { META_RULES } from '../engine/metaRules';
import type { AnyRule } from '../engine/rule';
import chainedIndexing from './chained-indexing';
import dataLeakage from './data-leakage';
import dataframeValues from './dataframe-values';
import dataloaderDefaults from './dataloader-defaults';
import debtComment from './debt-comment';
import deprecatedMlApi from './deprecated-ml-api';
import discardedDataframeResult from './discarded-dataframe-result';
import forwardCalledDirectly from './forward-called-directly';
import gradientsNotCleared from './gradients-not-cleared';
import hardcodedPath from './hardcoded-path';
import implicitMergeKeys from './implicit-merge-keys';
import inplaceArgument from './inplace-argument';
import legacyNumpyRandom from './legacy-numpy-random';
import matrixDotAmbiguity from './matrix-dot-ambiguity';
import missingEvalMode from './missing-eval-mode';
import nanEquality from './nan-equality';
import nondeterministicTraining from './nondeterministic-training';
import rowIteration from './row-iteration';
import specialCaseRecord from './special-case-record';
import unsafeModelLoad from './unsafe-model-load';
import unscaledSensitiveEstimator from './unscaled-sensitive-estimator';
import unseededRandomness from './unseeded-randomness';
import untypedRead from './untyped-read';
import unversionedModelArtifact from './unversioned-model-artifact';

/** Every rule mldebt ships, in catalogue order. Adding a rule adds one import and one line here. */
export const RULES: AnyRule[] = [
  ...META_RULES,
  // Reproducibility (MLD1xx)
  unseededRandomness,
  legacyNumpyRandom,
  nondeterministicTraining,
  unversionedModelArtifact,
  unsafeModelLoad,
  // Data and pipeline (MLD2xx)
  dataLeakage,
  chainedIndexing,
  nanEquality,
  discardedDataframeResult,
  inplaceArgument,
  implicitMergeKeys,
  dataframeValues,
  rowIteration,
  untypedRead,
  hardcodedPath,
  specialCaseRecord,
  unscaledSensitiveEstimator,
  // Framework API misuse (MLD4xx)
  gradientsNotCleared,
  missingEvalMode,
  forwardCalledDirectly,
  matrixDotAmbiguity,
  deprecatedMlApi,
  dataloaderDefaults,
  // Self-admitted debt (MLD7xx)
  debtComment,
];
