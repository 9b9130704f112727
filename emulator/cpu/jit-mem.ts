// Guest memory accesses in compiled blocks: the software-TLB hit path of AddressSpace (read8/32/64,
// write8/32/64) written inline, falling back to the AddressSpace method on a miss, at a page end
// or for 16-bit accesses. The method then does the permission checks and faults as usual.

import { Gen } from './jit';

/** Emits `let lo[,hi]` holding `size` bytes read at the address in local `a` (as the getters read). */
export function emitLoad(g: Gen, size: number, a: string, lo: string, hi: string): void {
  g.touched = true;
  const o = g.v('mo'), pn = g.v('mp'), t = g.v('mt');
  if (size === 2) { g.emit(`const ${lo}=M.read16(${a});`); return; }
  g.emit(`const ${o}=${a}&4095,${pn}=(${a}-${o})/4096,${t}=${pn}&255;`);
  if (size === 1) { g.emit(`const ${lo}=M.rTag[${t}]===${pn}?M.rPage[${t}].data[${o}]:M.read8(${a});`); return; }
  if (size === 4) {
    g.emit(`const ${lo}=${o}<=4092&&M.rTag[${t}]===${pn}?M.rPage[${t}].view.getInt32(${o},true):M.read32(${a});`);
    return;
  }
  g.emit(`let ${lo},${hi};if(${o}<=4088&&M.rTag[${t}]===${pn}){const w=M.rPage[${t}].view;${lo}=w.getInt32(${o},true);${hi}=w.getInt32(${o}+4,true);}` +
    `else{${lo}=M.read64(${a});${hi}=M.hi;}`);
}

/** Emits a store of `size` bytes (lo masked by the caller's conventions as the putters do). */
export function emitStore(g: Gen, size: number, addr: string, lo: string, hi: string): void {
  g.touched = true;
  const a = g.v('wa'), o = g.v('wo'), pn = g.v('wp'), t = g.v('wt');
  if (size === 2) { g.emit(`M.write16(${addr},(${lo})&65535);`); return; }
  g.emit(`const ${a}=${addr},${o}=${a}&4095,${pn}=(${a}-${o})/4096,${t}=${pn}&255;`);
  if (size === 1) { g.emit(`if(M.wTag[${t}]===${pn})M.wPage[${t}].data[${o}]=${lo};else M.write8(${a},(${lo})&255);`); return; }
  if (size === 4) { g.emit(`if(${o}<=4092&&M.wTag[${t}]===${pn})M.wPage[${t}].view.setInt32(${o},${lo},true);else M.write32(${a},${lo});`); return; }
  g.emit(`if(${o}<=4088&&M.wTag[${t}]===${pn}){const w=M.wPage[${t}].view;w.setInt32(${o},${lo},true);w.setInt32(${o}+4,${hi},true);}` +
    `else M.write64(${a},${lo},${hi});`);
}
