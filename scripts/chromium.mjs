// How every Playwright run here launches Debian's Chromium (no browser download: see
// ../shared/TOOLCHAIN.md). Without the background-networking flags Chromium floods the closed
// network with refused connections.
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const launchOptions = { executablePath: chromiumPath, args: chromiumArgs };
