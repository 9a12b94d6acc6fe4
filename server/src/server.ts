// LSP shim: to be written.
export {};
