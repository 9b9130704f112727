// The VS Code side of Trapdoor's debugger: runs the debug adapter (dist/adapter.js) as its own
// Node process, and makes F5 on an open assembly file debug it without a launch.json. It talks
// to the adapter only through DAP (scripts/check-layers.js keeps it so).

import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const ASM_LANGUAGES = ['asm-gas', 'asm-nasm'];
const ASM_FILE = /\.(s|S|asm|nasm)$/;

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('trapdoor', new AdapterFactory(context)),
    vscode.debug.registerDebugConfigurationProvider('trapdoor', new ConfigurationProvider()),
  );
  // TRAPDOOR_DAP_LOG=file records every DAP message between VS Code and the adapter, one JSON
  // object a line: how the end-to-end test (scripts/e2e.sh) shows what VS Code really sent.
  const log = process.env.TRAPDOOR_DAP_LOG;
  if (log) context.subscriptions.push(vscode.debug.registerDebugAdapterTrackerFactory('trapdoor', new DapLogger(log)));
}

export function deactivate(): void {
  // Nothing to release: VS Code ends the adapter processes with their sessions.
}

/** A separate process, so a guest spinning in a loop never blocks the extension host. */
class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const adapter = this.context.asAbsolutePath(path.join('dist', 'adapter.js'));
    // The extension host's executable is Electron (a Node with ELECTRON_RUN_AS_NODE) or Node itself.
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  }
}

class DapLogger implements vscode.DebugAdapterTrackerFactory {
  constructor(private readonly file: string) {}

  createDebugAdapterTracker(): vscode.DebugAdapterTracker {
    const write = (dir: string, msg: unknown) => fs.appendFileSync(this.file, JSON.stringify({ t: Date.now(), dir, msg }) + '\n');
    return {
      onWillReceiveMessage: (m) => write('vscode->adapter', m),
      onDidSendMessage: (m) => write('adapter->vscode', m),
      onError: (e) => write('error', String(e)),
      onExit: (code, signal) => write('exit', { code, signal }),
    };
  }
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return [{ type: 'trapdoor', request: 'launch', name: 'Trapdoor: debug the open file', program: '${file}', stopOnEntry: true }];
  }

  /** F5 with no launch.json: debug the assembly file in the editor. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc && (ASM_LANGUAGES.includes(doc.languageId) || ASM_FILE.test(doc.fileName))) {
        // With a breakpoint set anywhere, F5 runs to it (as for C); with none, it stops at the first
        // instruction so there is something to step through.
        const stopOnEntry = !vscode.debug.breakpoints.some((b) => b.enabled);
        config = { type: 'trapdoor', request: 'launch', name: `Trapdoor: ${path.basename(doc.fileName)}`, program: doc.fileName, stopOnEntry };
      }
    }
    if (!config.program) {
      void vscode.window.showInformationMessage('Trapdoor: open an assembly file (.s, .S, .asm) or set "program" in launch.json.');
      return undefined;
    }
    return config;
  }
}
