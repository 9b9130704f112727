// NASM's ELF `section` directive: the default attributes of well-known section names (as
// NASM 2.16's ELF output gives them) and the attribute words, turned into GAS-style flags.

export interface SectionSpec {
  name: string;
  /** GAS-style flags: a (alloc), w (write), x (exec), T (tls). */
  flags: string;
  type: 'progbits' | 'nobits';
  align: number;
  /** Attribute words NASM does not know (it warns and ignores them). */
  unknown: string[];
}

interface Attrs {
  progbits: boolean;
  alloc: boolean;
  exec: boolean;
  write: boolean;
  tls: boolean;
  align: number;
}

const DEFAULTS: Record<string, Attrs> = {
  '.text': { progbits: true, alloc: true, exec: true, write: false, tls: false, align: 16 },
  '.rodata': { progbits: true, alloc: true, exec: false, write: false, tls: false, align: 4 },
  '.lrodata': { progbits: true, alloc: true, exec: false, write: false, tls: false, align: 4 },
  '.data': { progbits: true, alloc: true, exec: false, write: true, tls: false, align: 4 },
  '.ldata': { progbits: true, alloc: true, exec: false, write: true, tls: false, align: 4 },
  '.bss': { progbits: false, alloc: true, exec: false, write: true, tls: false, align: 4 },
  '.lbss': { progbits: false, alloc: true, exec: false, write: true, tls: false, align: 4 },
  '.tdata': { progbits: true, alloc: true, exec: false, write: true, tls: true, align: 4 },
  '.tbss': { progbits: false, alloc: true, exec: false, write: true, tls: true, align: 4 },
  '.comment': { progbits: true, alloc: false, exec: false, write: false, tls: false, align: 1 },
};

const OTHER: Attrs = { progbits: true, alloc: true, exec: false, write: false, tls: false, align: 1 };

/** Parses `name attr attr align=16` (the text after `section`). */
export function parseSection(text: string): SectionSpec | undefined {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return undefined;
  const name = words[0];
  // Subsections (`.text.startup`, `.rodata.str1.1`) take their parent's defaults, as NASM does.
  const a: Attrs = { ...(DEFAULTS[name] ?? DEFAULTS[name.replace(/^(\.[a-z]+)\..*$/, '$1')] ?? OTHER) };
  const unknown: string[] = [];
  for (const w of words.slice(1)) {
    const lw = w.toLowerCase();
    const m = lw.match(/^align=([0-9]+|0x[0-9a-f]+)$/);
    if (m) a.align = Number(m[1]);
    else if (lw === 'progbits') a.progbits = true;
    else if (lw === 'nobits') a.progbits = false;
    else if (lw === 'alloc') a.alloc = true;
    else if (lw === 'noalloc') a.alloc = false;
    else if (lw === 'exec') a.exec = true;
    else if (lw === 'noexec') a.exec = false;
    else if (lw === 'write') a.write = true;
    else if (lw === 'nowrite') a.write = false;
    else if (lw === 'tls') a.tls = true;
    else if (['note', 'preinit_array', 'init_array', 'fini_array', 'merge', 'strings', 'pointer'].includes(lw) || /^(entsize|byte|word|dword|qword)=?/.test(lw)) continue;
    else unknown.push(w);
  }
  const flags = (a.alloc ? 'a' : '') + (a.write ? 'w' : '') + (a.exec ? 'x' : '') + (a.tls ? 'T' : '');
  return { name, flags, type: a.progbits ? 'progbits' : 'nobits', align: a.align, unknown };
}
