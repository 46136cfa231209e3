// Runs before `npm test`: the browser tier drives Debian's Chromium (never a downloaded browser).
// On a fresh Debian machine, as root, it installs the package; otherwise it says what to do.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  if (userInfo().uid === 0 && existsSync('/usr/bin/apt-get')) {
    process.stderr.write('Chromium is missing; installing the Debian package for the browser tests...\n');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    process.stderr.write(`The browser tests need Debian's Chromium at ${CHROMIUM}: run "sudo apt-get install chromium".\n`);
    process.exit(1);
  }
}
