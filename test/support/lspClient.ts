import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeNotebookDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShowMessageNotification,
  ShowMessageRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  DocumentDiagnosticRequest,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  RegistrationRequest,
  type ClientCapabilities,
  type Diagnostic,
  type NotebookCell,
  type ProtocolConnection,
  type ShowMessageParams,
  type TextDocumentContentChangeEvent,
  type TextDocumentItem,
} from 'vscode-languageserver-protocol/node';
import { serverEnvironment, serverExecArgv } from '../../client/src/serverEnvironment';

const SERVER = join(__dirname, '..', '..', 'server', 'out', 'main.js');
/**
 * The servers the tests and the benchmark start keep their code cache in the checkout (git-ignored),
 * as the extension does in its storage: the first server of a build writes it when it stops, the
 * others start from it, as VS Code's server does from its second start on.
 */
const CODE_CACHE = join(__dirname, '..', '..', '.cache', 'code-cache');

interface Published {
  version?: number;
  diagnostics: Diagnostic[];
}

/** A real LSP client over stdio to the bundled server, for protocol tests. It waits for events; it never sleeps. */
export class TestClient {
  readonly published = new Map<string, Published>();
  readonly messages: ShowMessageParams[] = [];
  settings: Record<string, unknown> = {};
  /** The engine's rules and one simple rule, so the tests speak of known findings. */
  static readonly defaultSettings = { select: ['meta', 'dataframe-values'] };
  private listeners: Array<() => void> = [];

  private constructor(
    readonly connection: ProtocolConnection,
    readonly process: ChildProcess,
  ) {}

  /** Progress notifications by token, in order. */
  readonly progress = new Map<string | number, Array<{ kind: string; percentage?: number; message?: string }>>();
  refreshes = 0;

  /**
   * `codeCache`: the folder of the server's code cache; false, none, as the first start after an install.
   */
  static async start(options: { pull?: boolean; settings?: Record<string, unknown>; rootUri?: string; codeCache?: string | false } = {}): Promise<TestClient> {
    const child = spawn(process.execPath, [...serverExecArgv(), ...(process.env.MLDEBT_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), SERVER, '--stdio'], { env: serverEnvironment(process.env, options.codeCache === false ? undefined : (options.codeCache ?? CODE_CACHE)), stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(connection, child);
    client.settings = options.settings ?? TestClient.defaultSettings;
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      client.published.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      client.notify();
    });
    connection.onNotification(ShowMessageNotification.type, (p) => {
      client.messages.push(p);
      client.notify();
    });
    connection.onRequest(ShowMessageRequest.type, (p) => {
      client.messages.push(p);
      client.notify();
      return null;
    });
    connection.onRequest(ConfigurationRequest.type, (p) =>
      p.items.map((item) => {
        if (item.section === 'mldebt') return client.settings;
        if (item.section?.startsWith('mldebt.')) return client.settings[item.section.slice('mldebt.'.length)] ?? null;
        return null;
      }),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    connection.onRequest(DiagnosticRefreshRequest.type, () => {
      client.refreshes++;
      client.notify();
    });
    connection.onProgress(WorkDoneProgress.type, 'scan', (value) => {
      const list = client.progress.get('scan') ?? [];
      list.push(value);
      client.progress.set('scan', list);
      client.notify();
    });
    connection.onNotification('window/logMessage', () => undefined);
    connection.listen();
    const capabilities: ClientCapabilities = {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, diagnostics: { refreshSupport: true } },
      window: { workDoneProgress: true },
      textDocument: {
        publishDiagnostics: { versionSupport: true },
        codeAction: { resolveSupport: { properties: ['edit'] }, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        ...(options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
      notebookDocument: { synchronization: {} },
    };
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: options.rootUri ?? null,
      capabilities,
      workspaceFolders: options.rootUri ? [{ uri: options.rootUri, name: 'root' }] : null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Pulls a document's diagnostics (`textDocument/diagnostic`), as a client that pulls does after a change. */
  async pull(uri: string): Promise<Diagnostic[]> {
    const report = await this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return (report as { items: Diagnostic[] }).items;
  }

  /** Resolves when `check` returns a value, re-checked on every published diagnostic or message. */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const listener = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(value);
      };
      this.listeners.push(listener);
    });
  }

  /** Diagnostics published for `uri` at `version` (any version when none is given). */
  diagnosticsFor(uri: string, version?: number): Promise<Diagnostic[]> {
    return this.waitFor(() => {
      const p = this.published.get(uri);
      return p && (version === undefined || p.version === version) ? p.diagnostics : undefined;
    }, `diagnostics for ${uri}${version === undefined ? '' : ` v${version}`}`);
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    const textDocument: TextDocumentItem = { uri, languageId: 'python', version, text };
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument });
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  openNotebook(uri: string, cells: Array<{ source: string; kind?: 'code' | 'markdown'; executionOrder?: number }>): Promise<string[]> {
    const cellUris = cells.map((_, i) => `vscode-notebook-cell:${uri.replace(/^file:/, '')}#C${i}`);
    const nbCells: NotebookCell[] = cells.map((c, i) => ({
      kind: c.kind === 'markdown' ? 1 : 2,
      document: cellUris[i],
      executionSummary: c.executionOrder ? { executionOrder: c.executionOrder, success: true } : undefined,
    }));
    const texts: TextDocumentItem[] = cells.map((c, i) => ({ uri: cellUris[i], languageId: c.kind === 'markdown' ? 'markdown' : 'python', version: 1, text: c.source }));
    return this.connection
      .sendNotification(DidOpenNotebookDocumentNotification.type, {
        notebookDocument: { uri, notebookType: 'jupyter-notebook', version: 1, cells: nbCells },
        cellTextDocuments: texts,
      })
      .then(() => cellUris);
  }

  changeCell(notebookUri: string, notebookVersion: number, cellUri: string, cellVersion: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, version: notebookVersion },
      change: { cells: { textContent: [{ document: { uri: cellUri, version: cellVersion }, changes }] } },
    });
  }

  /** Inserts code cells at `start` (their URIs are `…#<id>`), as adding cells in the editor does. */
  insertCells(notebookUri: string, notebookVersion: number, start: number, cells: Array<{ id: string; source: string }>): Promise<string[]> {
    const uris = cells.map((c) => `vscode-notebook-cell:${notebookUri.replace(/^file:/, '')}#${c.id}`);
    return this.connection
      .sendNotification(DidChangeNotebookDocumentNotification.type, {
        notebookDocument: { uri: notebookUri, version: notebookVersion },
        change: {
          cells: {
            structure: {
              array: { start, deleteCount: 0, cells: uris.map((document): NotebookCell => ({ kind: 2, document })) },
              didOpen: cells.map((c, i) => ({ uri: uris[i], languageId: 'python', version: 1, text: c.source })),
            },
          },
        },
      })
      .then(() => uris);
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      // The server exits by itself on `exit`; give it a moment before insisting.
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    } finally {
      this.connection.dispose();
      this.process.kill();
    }
  }
}
