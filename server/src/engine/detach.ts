/**
 * Strings kept from one version of a live document to the next must not keep that version's text.
 * V8 makes a slice of 13 characters or more (a node's text, a name read from it) a view of the string
 * it was cut from, and keeps all of that string alive as long as the slice is. A chunk's record, its
 * nodes' memos and its tree-sitter tree outlive the keystroke that made them: holding slices, each
 * would keep a whole text of the document, one more at every keystroke that walks a chunk again.
 */

/** Below this length V8 copies a slice instead of making a view of its parent (`SlicedString::kMinLength`). */
const SLICE_MIN = 13;

/** `s`, as a string of its own (a copy where it might be a view of a longer string). */
export function detached(s: string): string {
  // Concatenated, the string is a pair; the slice flattens the pair into a new string of its own and
  // cuts from that.
  return s.length < SLICE_MIN ? s : (' ' + s).slice(1);
}

/**
 * `value` with every string in it detached, in place: strings in plain objects, arrays, maps (keys
 * too) and sets, however deep. Anything else (a syntax node, a function, a frozen list) is left as it
 * is: it holds no slice of its own making, or is shared.
 */
export function detachStrings<T>(value: T): T {
  if (typeof value === 'string') return detached(value) as T;
  if (typeof value === 'object' && value !== null) detachIn(value as object, 0);
  return value;
}

/** Deep enough for what rules keep (a report's data, a fact's fields); deeper is not plain data. */
const MAX_DEPTH = 8;

function detachIn(value: object, depth: number): void {
  if (depth > MAX_DEPTH || Object.isFrozen(value)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        if (v.length >= SLICE_MIN) value[i] = detached(v);
      } else if (typeof v === 'object' && v !== null) detachIn(v, depth + 1);
    }
    return;
  }
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>)];
    const long = (x: unknown): boolean => typeof x === 'string' && x.length >= SLICE_MIN;
    if (entries.some(([k, v]) => long(k) || long(v))) return rebuild(value as Map<unknown, unknown>, entries, depth);
    for (const [, v] of entries) if (typeof v === 'object' && v !== null) detachIn(v, depth + 1);
    return;
  }
  if (value instanceof Set) {
    const items = [...(value as Set<unknown>)];
    for (const k of items) if (typeof k === 'object' && k !== null) detachIn(k, depth + 1);
    if (!items.some((k) => typeof k === 'string' && k.length >= SLICE_MIN)) return;
    value.clear();
    for (const k of items) value.add(typeof k === 'string' ? detached(k) : k);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (typeof v === 'string') {
      if (v.length >= SLICE_MIN) record[key] = detached(v);
    } else if (typeof v === 'object' && v !== null) detachIn(v, depth + 1);
  }
}

/** Sets `map`'s entries again, in their order, with their strings detached. */
function rebuild(map: Map<unknown, unknown>, entries: Array<[unknown, unknown]>, depth: number): void {
  map.clear();
  for (const [k, v] of entries) {
    if (typeof v === 'object' && v !== null) detachIn(v, depth + 1);
    map.set(typeof k === 'string' ? detached(k) : k, typeof v === 'string' ? detached(v) : v);
  }
}
