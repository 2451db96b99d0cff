// Emit the wasm as a file even when it is small (the skeleton's is), as it is for the real package.
export default { build: { assetsInlineLimit: 0 }, logLevel: 'warn' };
