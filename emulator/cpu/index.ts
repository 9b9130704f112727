// The CPU package: the Cpu class (run/step/breakpoints), its state and stop reasons.
export { Cpu, StopReason } from './cpu';
export { CpuState, GPR_NAMES } from './state';
export { cpuid } from './system';
