// The memory package: paged address spaces, permission bits, and the guest fault type.
export * from './page';
export * from './fault';
export * from './address-space';
