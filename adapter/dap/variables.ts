// The Variables view: scopes of the CPU state (general registers in hex and decimal, RFLAGS bit by
// bit, segments and MSRs, SSE), and while in the kernel the user's registers saved in pt_regs and
// the system call being served. Edits go back to the CPU (or to pt_regs in kernel memory).

import { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate } from '../../emulator/debug/expr';
import { FLAG_BITS, GPRS, writeRegister } from '../../emulator/debug/registers';
import { userPtRegs } from '../../emulator/debug/unwind';
import { savedKernelSp, sleepingPtRegs, userMemoryOf } from '../../emulator/debug/tasks';
import { KTask } from '../../emulator/kernel/sched';
import { PT_REGS_FIELDS, PtRegsField, ptRegsOffset } from '../../emulator/kernel/abi';
import { syscallJson } from '../../emulator/trace/json';
import { Runtime } from './runtime';

type Producer = () => DebugProtocol.Variable[];
interface Container { produce: Producer; set?: (name: string, value: bigint) => void }

const hexDec = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')} (${BigInt.asIntN(64, v)})`;
const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

export class Variables {
  private containers = new Map<number, Container>();
  private next = 1;

  constructor(private readonly rt: Runtime) {}

  /** New stop: old references die. */
  reset(): void {
    this.containers.clear();
    this.next = 1;
  }

  private ref(c: Container): number {
    const id = this.next++;
    this.containers.set(id, c);
    return id;
  }

  scopes(): DebugProtocol.Scope[] {
    const rt = this.rt;
    const cpu = rt.cpu;
    const leaf = (name: string, value: string, evaluateName?: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0, evaluateName });
    const regSet = (name: string, value: bigint): void => {
      if (!writeRegister(cpu, name, value)) throw new Error(`${name} cannot be set`);
    };
    const scopes: DebugProtocol.Scope[] = [];
    const scope = (name: string, c: Container, expensive = false): void => {
      scopes.push({ name, variablesReference: this.ref(c), expensive, presentationHint: name.startsWith('General') ? 'registers' : undefined });
    };
    scope('General registers', {
      produce: () => [...GPRS, 'rip'].map((r) => leaf(r, hexDec(cpu.getReg(r)), r)),
      set: regSet,
    });
    scope('RFLAGS', {
      produce: () => {
        const f = cpu.getReg('rflags');
        const set = FLAG_BITS.filter((b) => (f >> BigInt(b.bit)) & 1n).map((b) => b.name);
        return [
          leaf('rflags', `0x${f.toString(16)} [ ${set.join(' ')} ]`, 'rflags'),
          ...FLAG_BITS.map((b) => ({ ...leaf(b.name, String((f >> BigInt(b.bit)) & 1n), b.name), type: b.description })),
        ];
      },
      set: regSet,
    });
    scope('Segment & MSRs', {
      produce: () => [
        ...['cs', 'ss', 'ds', 'es', 'fs', 'gs'].map((r) => leaf(r, `0x${cpu.getReg(r).toString(16)}${r === 'cs' ? ` (ring ${cpu.cs & 3})` : ''}`, r)),
        ...['fs_base', 'gs_base', 'kernel_gs_base', 'cr0', 'cr2', 'cr3', 'cr4'].map((r) => leaf(r, hex(cpu.getReg(r)), r)),
        leaf('MSR_EFER', hex(BigInt(cpu.efer))),
        leaf('MSR_STAR', hex(cpu.star)),
        leaf('MSR_LSTAR', `${hex(BigInt(cpu.lstar))}${sym(rt, BigInt(cpu.lstar))}`),
        leaf('MSR_SYSCALL_MASK', hex(BigInt(cpu.fmask))),
      ],
      set: regSet,
    });
    scope('SSE', {
      produce: () => {
        const out: DebugProtocol.Variable[] = [];
        for (let i = 0; i < 16; i++) {
          const v = cpu.getReg(`xmm${i}`);
          out.push({ name: `xmm${i}`, value: '0x' + v.toString(16).padStart(32, '0'), evaluateName: `xmm${i}`, variablesReference: this.ref({ produce: () => lanes(v) }) });
        }
        out.push(leaf('mxcsr', hex(cpu.getReg('mxcsr')), 'mxcsr'));
        return out;
      },
      set: regSet,
    }, true);
    if (rt.inKernel()) {
      const regs = userPtRegs(rt.machine, rt.mem);
      if (regs) {
        scope('User registers (pt_regs)', {
          produce: () => PT_REGS_FIELDS.map((f) => leaf(f, hexDec(regs.read(f)), `*(u64*)(${hex(regs.address + BigInt(ptRegsOffset(f)))})`)),
          set: (name, value) => {
            if (!(PT_REGS_FIELDS as readonly string[]).includes(name)) throw new Error(`no pt_regs field ${name}`);
            const b = new Uint8Array(8);
            new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
            rt.mem.write(regs.address + BigInt(ptRegsOffset(name as PtRegsField)), b);
          },
        });
      }
      const sc = rt.currentSyscall();
      if (sc) {
        scope('Syscall', {
          produce: () => {
            const name = rt.syscallName(sc.nr, sc.abi);
            const vars = [leaf('nr', String(sc.nr), 'nr'), leaf('name', name)];
            if (sc.event) vars.push(leaf('call', syscallJson(sc.event, rt.machine.userMemory).strace));
            sc.args.forEach((a, i) => vars.push(leaf(`args[${i}]`, hexDec(a), `args[${i}]`)));
            if (sc.ret !== undefined) vars.push(leaf('ret', hexDec(sc.ret)));
            return vars;
          },
        });
      }
    }
    return scopes;
  }

  /**
   * The scopes of a task that is not running: what it is and where it waits, the user registers
   * it will return with (its pt_regs, editable), and the system call it sleeps in.
   */
  taskScopes(t: KTask, waiting: string): DebugProtocol.Scope[] {
    const rt = this.rt;
    const mem = rt.memoryOf(t.tid);
    const leaf = (name: string, value: string, evaluateName?: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0, evaluateName });
    const scopes: DebugProtocol.Scope[] = [];
    const summary = rt.tasks().find((x) => x.tid === t.tid);
    scopes.push({
      name: 'Task',
      expensive: false,
      variablesReference: this.ref({
        produce: () => {
          const ksp = savedKernelSp(t, mem);
          const resume = rt.resumePoint();
          return [
            leaf('tid', String(t.tid)),
            leaf('pid', String(t.pid)),
            leaf('program', summary?.exe ?? ''),
            leaf('state', waiting),
            leaf('task_struct', hex(BigInt.asUintN(64, BigInt(t.addr)))),
            leaf('kernel sp (task_struct->sp)', ksp !== undefined ? hex(ksp) : '?'),
            leaf('continues at', resume !== undefined ? `${hex(resume)}${sym(rt, resume)}` : '?'),
          ];
        },
      }),
    });
    const regs = sleepingPtRegs(t, mem);
    if (regs) {
      scopes.push({
        name: 'User registers (pt_regs)',
        expensive: false,
        presentationHint: 'registers',
        variablesReference: this.ref({
          produce: () => PT_REGS_FIELDS.map((f) => leaf(f, hexDec(regs.read(f)), `*(u64*)(${hex(regs.address + BigInt(ptRegsOffset(f)))})`)),
          set: (name, value) => {
            if (!(PT_REGS_FIELDS as readonly string[]).includes(name)) throw new Error(`no pt_regs field ${name}`);
            const b = new Uint8Array(8);
            new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
            mem.write(regs.address + BigInt(ptRegsOffset(name as PtRegsField)), b);
          },
        }),
      });
    }
    const sc = rt.syscallOf(t.tid, regs);
    if (sc) {
      scopes.push({
        name: 'Syscall',
        expensive: false,
        variablesReference: this.ref({
          produce: () => {
            const vars = [leaf('nr', String(sc.nr)), leaf('name', rt.syscallName(sc.nr, sc.abi))];
            if (sc.event) vars.push(leaf('call', syscallJson(sc.event, userMemoryOf(t.nk.mm.as)).strace));
            sc.args.forEach((a, i) => vars.push(leaf(`args[${i}]`, hexDec(a))));
            return vars;
          },
        }),
      });
    }
    return scopes;
  }

  variables(ref: number): DebugProtocol.Variable[] {
    return this.containers.get(ref)?.produce() ?? [];
  }

  /** Sets `name` in container `ref` to the value of the expression `value`; returns the new text. */
  set(ref: number, name: string, value: string): string {
    const c = this.containers.get(ref);
    if (!c?.set) throw new Error('this value cannot be changed');
    const v = evaluate(value, this.rt.evalContext()).value;
    c.set(name, v);
    const now = c.produce().find((x) => x.name === name);
    return now?.value ?? hex(v);
  }
}

function sym(rt: Runtime, a: bigint): string {
  const s = rt.symbols.format(a);
  return s ? ` <${s}>` : '';
}

/** An XMM register as integer and floating-point lanes. */
function lanes(v: bigint): DebugProtocol.Variable[] {
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  const dv = new DataView(b.buffer);
  const list = (n: number, f: (k: number) => string): string => `{${Array.from({ length: n }, (_, k) => f(k)).join(', ')}}`;
  const leaf = (name: string, value: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0 });
  return [
    leaf('u8', list(16, (k) => String(b[k]))),
    leaf('u16', list(8, (k) => String(dv.getUint16(2 * k, true)))),
    leaf('u32', list(4, (k) => '0x' + dv.getUint32(4 * k, true).toString(16))),
    leaf('u64', list(2, (k) => '0x' + dv.getBigUint64(8 * k, true).toString(16))),
    leaf('f32', list(4, (k) => String(dv.getFloat32(4 * k, true)))),
    leaf('f64', list(2, (k) => String(dv.getFloat64(8 * k, true)))),
  ];
}
