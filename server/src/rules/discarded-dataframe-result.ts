import type { Node } from '../engine/parser';
import { defineRule, type Report } from '../engine/rule';
import { FRAME_METHODS, dottedName } from '../engine/semantic';
import { callArguments, calledName, receiverOf } from '../engine/syntax';

const PANDAS_KINDS = new Set(['dataframe', 'series', 'pandas']);

/**
 * Frame-returning methods left out by default: `update` works in place; the others are called to look
 * at data or for a callable's side effects, and `df = df.head()` would be a wrong fix.
 */
const DEFAULT_IGNORED = [
  'update', 'head', 'tail', 'describe', 'corr', 'cov', 'sample', 'nlargest', 'nsmallest', 'isna', 'isnull', 'notna',
  'notnull', 'copy', 'apply', 'applymap', 'map', 'transform', 'agg', 'aggregate',
];

interface Options {
  ignoredMethods: string[];
}

export default defineRule<Options>({
  meta: {
    id: 'discarded-dataframe-result',
    code: 'MLD204',
    category: 'data',
    severity: 'warning',
    local: true,
    fix: 'safe',
    requires: ['pandas'],
    messages: {
      default: '`{receiver}.{method}()` returns a new object that is thrown away, so `{receiver}` is unchanged; assign the result.',
    },
    options: {
      ignoredMethods: {
        type: 'string[]',
        default: DEFAULT_IGNORED,
        description: 'Methods whose discarded result is not reported (in-place, inspection or side-effect calls).',
      },
    },
    docs: {
      summary: 'A pandas method that returns a new DataFrame or Series called as a statement, its result dropped.',
      whatItDoes:
        'Flags an expression statement that calls a frame-returning pandas method (`dropna`, `fillna`, `drop`, ' +
        '`rename`, `sort_values`, `reset_index`, `astype`, ...) on a name known to hold a DataFrame or Series, without ' +
        '`inplace=True`. In a notebook, or a script split into `# %%` cells, the last statement of a cell is displayed, ' +
        'so it is not reported there. ' +
        'Inspection methods (`head`, `describe`, ...) and methods taking a callable (`apply`, `map`, ...) are ignored ' +
        'by default (see the `ignoredMethods` option).',
      whyIsThisBad:
        'These methods never modify the frame they are called on; they return a modified copy. A call whose result is ' +
        'dropped does nothing, and the code below silently works on the unchanged data (missing values kept, columns ' +
        'not renamed). Zhang et al. list this "unnecessary/forgotten reassignment" among the pandas code smells of ML ' +
        'applications.',
      example:
        'import pandas as pd\n\ndf = pd.read_csv("train.csv")\ndf.dropna(subset=["label"])\ny = df["label"]\n',
      useInstead:
        'import pandas as pd\n\ndf = pd.read_csv("train.csv")\ndf = df.dropna(subset=["label"])\ny = df["label"]\n',
      fixSafety:
        'Safe: assigning the result back to the same name does what the statement was written for; the fix is offered ' +
        'only when the receiver is a plain name or attribute chain.',
      references: [
        'https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.dropna.html',
        'https://pandas.pydata.org/docs/user_guide/copy_on_write.html',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const ignored = new Set(context.options.ignoredMethods);
    // Whether a call is the last expression of a cell needs the cells and the next statement: decided at the end.
    let discarded: Discarded[] = [];
    let scriptCellMarkers: Node[] = [];
    return {
      comment(comment) {
        // The text first: a comment's column needs the line index, which most files never need otherwise.
        if (!context.notebook && /^#\s*%%/.test(comment.text) && comment.startPosition.column === 0) scriptCellMarkers.push(comment);
      },
      expression_statement(statement) {
        const call = statement.namedChild(0);
        if (call?.type !== 'call' || statement.namedChildCount !== 1) return;
        const method = calledName(call);
        const receiver = receiverOf(call);
        if (!method || !receiver || !FRAME_METHODS.has(method) || ignored.has(method)) return;
        const kind = context.semantic.kindOf(receiver);
        if (!kind || !PANDAS_KINDS.has(kind)) return;
        const { keywords, hasSplat } = callArguments(call);
        // `inplace=True` modifies the receiver; a non-literal value may too.
        const inplace = keywords.get('inplace');
        if (hasSplat || (inplace && inplace.type !== 'false')) return;
        discarded.push({ statement, call, receiver, method });
      },
      'chunk:exit'() {
        const facts: ChunkFacts | undefined = discarded.length > 0 || scriptCellMarkers.length > 0 ? { discarded, scriptCellMarkers } : undefined;
        discarded = [];
        scriptCellMarkers = [];
        return facts;
      },
      'module:exit'() {
        const chunks = (context.chunkFacts as Array<ChunkFacts | undefined>).filter((f) => f !== undefined);
        const cellEnds = context.notebook ? codeCellEnds(context.notebook.cells) : [];
        // In a script, `# %%` markers make cells for the interactive window.
        const markers = chunks.flatMap((f) => f.scriptCellMarkers.map((m) => m.startIndex));
        if (markers.length > 0) cellEnds.push(...markers, context.text.length);
        for (const found of chunks.flatMap((f) => f.discarded)) {
          if (!isDisplayedInCell(found.statement, cellEnds, context.text)) context.report(discardedReport(found, context.text));
        }
      },
    };
  },
});

/** A frame-returning call whose result a statement drops. */
interface Discarded {
  statement: Node;
  call: Node;
  receiver: Node;
  method: string;
}

interface ChunkFacts {
  discarded: Discarded[];
  scriptCellMarkers: Node[];
}

function discardedReport({ statement, call, receiver, method }: Discarded, text: string): Report {
  const name = dottedName(receiver);
  const receiverText = name ?? text.slice(receiver.startIndex, receiver.endIndex);
  return {
    node: statement,
    messageId: 'default',
    data: { receiver: receiverText.length > 40 ? 'the frame' : receiverText, method },
    fixes: name
      ? [{ title: `Assign the result back to \`${name}\``, safety: 'safe', edits: [{ start: call.startIndex, end: call.startIndex, newText: `${name} = ` }] }]
      : [],
  };
}

/** Offsets where each code cell ends in the joined text (masking keeps lengths; cells are joined by one newline). */
function codeCellEnds(cells: ReadonlyArray<{ kind: string; source: string }>): number[] {
  const ends: number[] = [];
  let offset = 0;
  for (const c of cells) {
    if (c.kind !== 'code') continue;
    ends.push(offset + c.source.length);
    offset += c.source.length + 1;
  }
  return ends;
}

/** Jupyter displays the value of a cell's last top-level expression, unless a `;` ends it. `cellEnds` is sorted. */
function isDisplayedInCell(statement: Node, cellEnds: readonly number[], text: string): boolean {
  if (cellEnds.length === 0 || statement.parent?.type !== 'module') return false;
  const cellEnd = cellEnds.find((e) => e >= statement.startIndex);
  if (cellEnd === undefined) return false;
  let next = statement.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  if (next && next.startIndex < cellEnd) return false;
  return !/^[ \t]*;/.test(text.slice(statement.endIndex, cellEnd));
}
