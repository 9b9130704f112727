// x87 (fld/fst/fild/fistp/arith/fcomi/fnstcw/fldcw on doubles; 80-bit precision not modelled):
// NOT WRITTEN YET. The state (st, fpuTop, fcw, fsw) exists in state.ts; the instructions decode to #UD.
export {};
