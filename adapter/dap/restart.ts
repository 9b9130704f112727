// The `restart` request: the session relaunches with the same (or the client's updated) launch
// arguments and keeps the user's breakpoints. The breakpoint requests are recorded as they pass
// (the last one of each kind, per source file, with the ids the client got), then replayed
// against the new machine with the same ids, so the client's breakpoints stay the same objects
// (a 'changed' event updates them when a source changed and a line now binds elsewhere).

import { DebugProtocol } from '@vscode/debugprotocol';

// Exception filters are kept by the session itself (they are set before any runtime exists).
const RECORDED = new Set(['setBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'setDataBreakpoints']);

export interface RecordedRequest {
  request: DebugProtocol.Request;
  /** The ids the client received, in order. */
  ids: number[];
}

export class BreakpointRecorder {
  private readonly pending = new Map<number, DebugProtocol.Request>();
  private readonly last = new Map<string, RecordedRequest>();

  /** A request arrives (before the session handles it). */
  request(r: DebugProtocol.Request): void {
    if (RECORDED.has(r.command)) this.pending.set(r.seq, r);
  }

  /** Its response leaves: a successful one replaces the recorded request of its kind. */
  response(r: DebugProtocol.Response): void {
    const q = this.pending.get(r.request_seq);
    if (!q || q.command !== r.command) return;
    this.pending.delete(r.request_seq);
    if (!r.success) return;
    const key = q.command === 'setBreakpoints' ? `${q.command}:${(q.arguments as DebugProtocol.SetBreakpointsArguments).source.path ?? ''}` : q.command;
    const list = (r.body as { breakpoints?: { id?: number }[] } | undefined)?.breakpoints ?? [];
    this.last.set(key, { request: q, ids: list.map((b) => b.id ?? 0) });
  }

  /** The requests to replay. */
  entries(): RecordedRequest[] {
    return [...this.last.values()];
  }
}
