;; Copies a tree tree-sitter parsed into the arrays mldebt's syntax tree is made of (`NodeArrays` in
;; mirror.ts), reading tree-sitter's memory as its tree cursor does, without a call per node: the nodes
;; a cursor would visit, in document order, with their public type, range (UTF-16 code units), field,
;; parent, flags and the index after their subtree. Built into tree-copy.wasm (scripts/build.mjs); it
;; imports web-tree-sitter's memory (parser.ts) and is used only where a copy of a sample parse this way
;; gives, node for node, what copying it through the cursor gives (`PythonParser.load`).
;;
;; The layout read is tree-sitter's `Subtree` on a little-endian 32-bit target (lib/src/subtree.h). A
;; `Subtree` is 8 bytes: inline data for small leaves (lowest bit set) or a pointer to heap data, whose
;; children are the `Subtree`s just before it.
;; - inline: flags byte 0 (visible 1<<1, extra 1<<3, missing 1<<5), symbol byte 1, padding bytes byte 6,
;;   size bytes byte 7;
;; - heap: padding bytes at 4, size bytes at 16, error cost at 32, child count at 36, symbol at 40
;;   (u16), flags byte 44 (visible 1<<0, extra 1<<2), byte 45 (missing 1<<1), visible child count at
;;   48, production id at 66 (u16).
;; A node's field comes from its parent's production (`TSFieldMapEntry`: field id u16, child index u8,
;; inherited u8) or, for a node a hidden one holds, from the hidden nodes above it; its type from the
;; production's alias sequence or its symbol, through the grammar's public symbol map.
;;
;; Flags written: NAMED 1 (from the caller's table by type id; an ERROR node is named), MISSING 2 (only
;; under a node with an error), HAS_ERROR 4. The ERROR type id is 0xffff.
(module
  (import "env" "memory" (memory 1))
  ;; Where the copy is written (`output`): seven arrays of `cap` entries each, from `base`: starts, ends,
  ;; parents and after (i32), types and field ids (u16), flags (u8).
  (global $types (mut i32) (i32.const 0))
  (global $fieldIds (mut i32) (i32.const 0))
  (global $flags (mut i32) (i32.const 0))
  (global $starts (mut i32) (i32.const 0))
  (global $ends (mut i32) (i32.const 0))
  (global $parents (mut i32) (i32.const 0))
  (global $after (mut i32) (i32.const 0))
  (global $cap (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $full (mut i32) (i32.const 0))
  ;; The grammar's tables (`language`): a u8 per type id, NAMED or 0; and where the TSLanguage keeps
  ;; its public symbol map, alias sequences and field map.
  (global $namedFlags (mut i32) (i32.const 0))
  (global $publicSymbolMap (mut i32) (i32.const 0))
  (global $aliasSequences (mut i32) (i32.const 0))
  (global $maxAliasLength (mut i32) (i32.const 0))
  (global $fieldMapSlices (mut i32) (i32.const 0))
  (global $fieldMapEntries (mut i32) (i32.const 0))
  (global $fieldCount (mut i32) (i32.const 0))

  (func (export "output") (param $base i32) (param $cap i32)
    (global.set $cap (local.get $cap))
    (global.set $starts (local.get $base))
    (global.set $ends (i32.add (local.get $base) (i32.shl (local.get $cap) (i32.const 2))))
    (global.set $parents (i32.add (local.get $base) (i32.shl (local.get $cap) (i32.const 3))))
    (global.set $after (i32.add (local.get $base) (i32.mul (local.get $cap) (i32.const 12))))
    (global.set $types (i32.add (local.get $base) (i32.shl (local.get $cap) (i32.const 4))))
    (global.set $fieldIds (i32.add (local.get $base) (i32.mul (local.get $cap) (i32.const 18))))
    (global.set $flags (i32.add (local.get $base) (i32.mul (local.get $cap) (i32.const 20)))))

  (func (export "language") (param $namedFlags i32) (param $publicSymbolMap i32) (param $aliasSequences i32) (param $maxAliasLength i32)
        (param $fieldMapSlices i32) (param $fieldMapEntries i32) (param $fieldCount i32)
    (global.set $namedFlags (local.get $namedFlags))
    (global.set $publicSymbolMap (local.get $publicSymbolMap))
    (global.set $aliasSequences (local.get $aliasSequences))
    (global.set $maxAliasLength (local.get $maxAliasLength))
    (global.set $fieldMapSlices (local.get $fieldMapSlices))
    (global.set $fieldMapEntries (local.get $fieldMapEntries))
    (global.set $fieldCount (local.get $fieldCount)))

  ;; Copies the nodes under the root `Subtree` at `root`, as one block from `base` (see `compact`):
  ;; how many, or -1 when they are more than the output holds. `withErrors`: whether the tree has an error, so that its MISSING nodes are marked.
  (func (export "copy") (param $root i32) (param $withErrors i32) (result i32)
    (local $data i32)
    (global.set $count (i32.const 0))
    (global.set $full (i32.const 0))
    (if (i32.and (i32.load8_u (local.get $root)) (i32.const 1)) (then (return (i32.const 0))))
    (local.set $data (i32.load (local.get $root)))
    (if (i32.eqz (i32.load offset=36 (local.get $data))) (then (return (i32.const 0))))
    (drop (call $walk (local.get $root) (i32.load offset=4 (local.get $data)) (i32.const -1) (local.get $withErrors) (i32.const 0)))
    (if (global.get $full) (then (return (i32.const -1))))
    (call $compact (global.get $count))
    (global.get $count))

  ;; Moves the arrays of `count` entries each to follow each other from `base` (`output`), so that the
  ;; copy is one block of 21 bytes a node: each moves down, in order, so no move overwrites one to come.
  (func $compact (param $count i32)
    (local $base i32)
    (local.set $base (global.get $starts))
    (memory.copy (i32.add (local.get $base) (i32.shl (local.get $count) (i32.const 2))) (global.get $ends) (i32.shl (local.get $count) (i32.const 2)))
    (memory.copy (i32.add (local.get $base) (i32.shl (local.get $count) (i32.const 3))) (global.get $parents) (i32.shl (local.get $count) (i32.const 2)))
    (memory.copy (i32.add (local.get $base) (i32.mul (local.get $count) (i32.const 12))) (global.get $after) (i32.shl (local.get $count) (i32.const 2)))
    (memory.copy (i32.add (local.get $base) (i32.shl (local.get $count) (i32.const 4))) (global.get $types) (i32.shl (local.get $count) (i32.const 1)))
    (memory.copy (i32.add (local.get $base) (i32.mul (local.get $count) (i32.const 18))) (global.get $fieldIds) (i32.shl (local.get $count) (i32.const 1)))
    (memory.copy (i32.add (local.get $base) (i32.mul (local.get $count) (i32.const 20))) (global.get $flags) (local.get $count)))

  ;; The field the production's entries `from`..`to` give the child at `index` (not counting extras), or 0.
  (func $fieldFor (param $from i32) (param $to i32) (param $index i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (if (i32.and (i32.eq (i32.load8_u offset=2 (local.get $from)) (local.get $index)) (i32.eqz (i32.load8_u offset=3 (local.get $from))))
          (then (return (i32.load16_u (local.get $from)))))
        (local.set $from (i32.add (local.get $from) (i32.const 4)))
        (br $next)))
    (i32.const 0))

  ;; Copies the visible children of the node at `slot`, which starts at byte `position`, under `parent`;
  ;; a hidden child's are copied in its place, with `outer`, the field it gives them. Returns whether
  ;; any copied node has an error. Stops once the output is full.
  (func $walk (param $slot i32) (param $position i32) (param $parent i32) (param $withErrors i32) (param $outer i32) (result i32)
    (local $data i32) (local $childCount i32) (local $production i32) (local $aliases i32)
    (local $fieldsFrom i32) (local $fieldsTo i32) (local $anyError i32) (local $structural i32)
    (local $child i32) (local $k i32) (local $inline i32) (local $heap i32) (local $start i32)
    (local $flags i32) (local $extra i32) (local $index i32) (local $alias i32) (local $size i32)
    (local $kids i32) (local $field i32) (local $i i32) (local $symbol i32) (local $typeId i32)
    (local $missing i32) (local $hasError i32) (local $isError i32) (local $nodeFlags i32) (local $slice i32)
    (local.set $data (i32.load (local.get $slot)))
    (local.set $childCount (i32.load offset=36 (local.get $data)))
    (local.set $production (i32.load16_u offset=66 (local.get $data)))
    (if (i32.and (i32.ne (local.get $production) (i32.const 0)) (i32.gt_s (global.get $maxAliasLength) (i32.const 0)))
      (then (local.set $aliases (i32.add (global.get $aliasSequences)
        (i32.shl (i32.mul (local.get $production) (global.get $maxAliasLength)) (i32.const 1))))))
    (if (i32.gt_s (global.get $fieldCount) (i32.const 0))
      (then
        (local.set $slice (i32.add (global.get $fieldMapSlices) (i32.shl (local.get $production) (i32.const 2))))
        (local.set $fieldsFrom (i32.add (global.get $fieldMapEntries) (i32.shl (i32.load16_u (local.get $slice)) (i32.const 2))))
        (local.set $fieldsTo (i32.add (local.get $fieldsFrom) (i32.shl (i32.load16_u offset=2 (local.get $slice)) (i32.const 2))))))
    (local.set $child (i32.sub (local.get $data) (i32.shl (local.get $childCount) (i32.const 3))))
    (block $end
      (loop $each
        (br_if $end (i32.ge_u (local.get $k) (local.get $childCount)))
        (block $continue
          (local.set $inline (i32.and (i32.load8_u (local.get $child)) (i32.const 1)))
          (if (local.get $inline)
            (then
              (if (local.get $k) (then (local.set $position (i32.add (local.get $position) (i32.load8_u offset=6 (local.get $child))))))
              (local.set $flags (i32.load8_u (local.get $child)))
              (local.set $extra (i32.and (local.get $flags) (i32.const 8)))
              (local.set $size (i32.load8_u offset=7 (local.get $child)))
              (local.set $kids (i32.const 0)))
            (else
              (local.set $heap (i32.load (local.get $child)))
              (if (local.get $k) (then (local.set $position (i32.add (local.get $position) (i32.load offset=4 (local.get $heap))))))
              (local.set $flags (i32.load8_u offset=44 (local.get $heap)))
              (local.set $extra (i32.and (local.get $flags) (i32.const 4)))
              (local.set $size (i32.load offset=16 (local.get $heap)))
              (local.set $kids (i32.load offset=36 (local.get $heap)))))
          (local.set $start (local.get $position))
          (local.set $index (local.get $structural))
          (local.set $alias (i32.const 0))
          (if (i32.eqz (local.get $extra))
            (then
              (if (local.get $aliases)
                (then (local.set $alias (i32.load16_u (i32.add (local.get $aliases) (i32.shl (local.get $index) (i32.const 1)))))))
              (local.set $structural (i32.add (local.get $structural) (i32.const 1)))))
          (local.set $position (i32.add (local.get $start) (local.get $size)))
          (local.set $field (i32.const 0))
          (if (i32.eqz (local.get $extra))
            (then
              (local.set $field (call $fieldFor (local.get $fieldsFrom) (local.get $fieldsTo) (local.get $index)))
              (if (i32.eqz (local.get $field)) (then (local.set $field (local.get $outer))))))
          ;; Hidden: its children are copied in its place.
          (if (i32.eqz (i32.or (local.get $alias)
                (i32.and (local.get $flags) (select (i32.const 2) (i32.const 1) (local.get $inline)))))
            (then
              (br_if $continue (i32.eqz (local.get $kids)))
              (br_if $continue (i32.eqz (i32.load offset=48 (local.get $heap))))
              (if (call $walk (local.get $child) (local.get $start) (local.get $parent) (local.get $withErrors) (local.get $field))
                (then (local.set $anyError (i32.const 1))))
              (br_if $end (global.get $full))
              (br $continue)))
          (if (i32.ge_u (global.get $count) (global.get $cap))
            (then (global.set $full (i32.const 1)) (br $end)))
          (local.set $i (global.get $count))
          (global.set $count (i32.add (local.get $i) (i32.const 1)))
          (local.set $symbol (local.get $alias))
          (if (i32.eqz (local.get $symbol))
            (then (local.set $symbol (if (result i32) (local.get $inline)
              (then (i32.load8_u offset=1 (local.get $child)))
              (else (i32.load16_u offset=40 (local.get $heap)))))))
          (local.set $typeId (i32.const 0xffff))
          (if (i32.ne (local.get $symbol) (i32.const 0xffff))
            (then (local.set $typeId (i32.load16_u (i32.add (global.get $publicSymbolMap) (i32.shl (local.get $symbol) (i32.const 1)))))))
          (if (local.get $inline)
            (then
              (local.set $missing (i32.and (local.get $flags) (i32.const 32)))
              (local.set $hasError (local.get $missing)))
            (else
              (local.set $missing (i32.and (i32.load8_u offset=45 (local.get $heap)) (i32.const 2)))
              (local.set $hasError (i32.or (local.get $missing) (i32.gt_s (i32.load offset=32 (local.get $heap)) (i32.const 0))))))
          (local.set $isError (i32.eq (local.get $typeId) (i32.const 0xffff)))
          (local.set $nodeFlags (if (result i32) (local.get $isError)
            (then (i32.const 1))
            (else (i32.load8_u (i32.add (global.get $namedFlags) (local.get $typeId))))))
          (if (i32.and (i32.ne (local.get $withErrors) (i32.const 0)) (i32.ne (local.get $missing) (i32.const 0)))
            (then (local.set $nodeFlags (i32.or (local.get $nodeFlags) (i32.const 2)))))
          (i32.store16 (i32.add (global.get $types) (i32.shl (local.get $i) (i32.const 1))) (local.get $typeId))
          (i32.store (i32.add (global.get $starts) (i32.shl (local.get $i) (i32.const 2))) (i32.shr_u (local.get $start) (i32.const 1)))
          (i32.store (i32.add (global.get $ends) (i32.shl (local.get $i) (i32.const 2))) (i32.shr_u (local.get $position) (i32.const 1)))
          (i32.store16 (i32.add (global.get $fieldIds) (i32.shl (local.get $i) (i32.const 1))) (local.get $field))
          (i32.store (i32.add (global.get $parents) (i32.shl (local.get $i) (i32.const 2))) (local.get $parent))
          (if (i32.and (i32.eqz (local.get $isError)) (i32.ne (local.get $kids) (i32.const 0)))
            (then
              (if (call $walk (local.get $child) (local.get $start) (local.get $i)
                    (i32.and (i32.ne (local.get $withErrors) (i32.const 0)) (i32.ne (local.get $hasError) (i32.const 0))) (i32.const 0))
                (then (local.set $nodeFlags (i32.or (local.get $nodeFlags) (i32.const 4)))))
              (br_if $end (global.get $full))))
          (if (i32.or (local.get $isError) (i32.and (local.get $nodeFlags) (i32.const 2)))
            (then (local.set $nodeFlags (i32.or (local.get $nodeFlags) (i32.const 4)))))
          (i32.store8 (i32.add (global.get $flags) (local.get $i)) (local.get $nodeFlags))
          (i32.store (i32.add (global.get $after) (i32.shl (local.get $i) (i32.const 2))) (global.get $count))
          (if (i32.and (local.get $nodeFlags) (i32.const 4)) (then (local.set $anyError (i32.const 1)))))
        (local.set $child (i32.add (local.get $child) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (local.get $anyError))
)
