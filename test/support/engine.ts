import { createRequire } from 'node:module';
import { Engine } from '../../server/src/engine/engine';
import type { WasmPaths } from '../../server/src/engine/parser';

const require = createRequire(import.meta.url);

export const wasmPaths: WasmPaths = {
  runtime: require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  python: require.resolve('tree-sitter-python/tree-sitter-python.wasm'),
};

let engine: Promise<Engine> | undefined;

/** One engine per test worker: loading the grammar is the slow part. */
export function loadEngine(): Promise<Engine> {
  return (engine ??= Engine.create(wasmPaths));
}
