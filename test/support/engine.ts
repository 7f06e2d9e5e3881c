import { join } from 'node:path';
import { ChunkedModule } from '../../server/src/engine/chunkedModule';
import { Engine } from '../../server/src/engine/engine';
import type { SyntaxTree } from '../../server/src/engine/mirror';
import { wasmIn, type WasmPaths } from '../../server/src/engine/parser';

/** As the build puts them beside the server (`npm test` builds first). */
export const wasmPaths: WasmPaths = wasmIn(join(__dirname, '..', '..', 'server', 'out'));

let engine: Promise<Engine> | undefined;

/** One engine per test worker: loading the grammar is the slow part. */
export function loadEngine(): Promise<Engine> {
  return (engine ??= Engine.create(wasmPaths));
}

/**
 * A module's copy as a live document has it once edits have reached each of its large classes: large
 * classes in pieces. (On opening, a live document keeps them whole until an edit reaches them, as a
 * copy for one analysis, `Engine.copy`, does.)
 */
export function liveCopy(engine: Engine, text: string, forced: readonly number[] = []): SyntaxTree {
  const module = new ChunkedModule(engine.parser, true, true);
  module.update(text, forced);
  const copy = module.syntax();
  // The copy is JavaScript arrays: tree-sitter's trees can go.
  module.dispose();
  return copy;
}
