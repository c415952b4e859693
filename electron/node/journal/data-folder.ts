/**
 * The per-user folder where the app keeps what must outlive it (the autosave journal, serve mode's
 * token). Electron passes app.getPath('userData'); serve mode and the CLI use the platform's usual
 * place. ISEG_STATE_DIR overrides both (tests give each run its own folder).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

const APP_FOLDER = 'iseg-studio';

export function userDataFolder(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  const override = env.ISEG_STATE_DIR;
  if (override !== undefined && override !== '') return override;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER);
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), APP_FOLDER);
}
