// STAND-IN, used by scripts/build.mjs only while js/index.js does not exist yet (the real entry is
// written with the dialog). It loads the wasm once and exports the documented names, so the build,
// the package checks and the bundler test can run on the skeleton. Delete once js/index.js lands.
import init from './account_link.js';
import { LinkWidgetError } from './error.js';

export { LinkWidgetError };

let ready;

/** Loads the wasm once; the widget itself is not implemented in this stand-in. */
export async function createLinkWidget(options) {
  ready ??= init();
  await ready;
  if (!options || typeof options !== 'object') {
    throw new LinkWidgetError('invalid_options', 'createLinkWidget(options) needs an options object');
  }
  throw new LinkWidgetError('invalid_options', 'stand-in entry: the widget is not built yet');
}
