// SSE/SSE2 floating point (ss/sd/ps/pd arithmetic, comparisons, ucomis*/comis*, cvt* with MXCSR
// rounding, min/max, sqrt, shufps): NOT WRITTEN YET. Until then these mnemonics decode to #UD.
export {};
