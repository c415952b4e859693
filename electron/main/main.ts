/**
 * The Electron main process: one locked-down window, the app:// protocol for the renderer, the
 * services over IPC, and the inference worker in a utilityProcess.
 */
import { app, BrowserWindow, dialog, Menu, net, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appPaths } from '../node/app-root';
import { createAppServices } from '../node/app-services';
import { VOLUME_FORMATS } from '../node/io/formats';
import { registerDropGrant, registerIpcHandlers, sendEvent } from './ipc';
import { menuTemplate, type MenuSpec } from './menu-template';
import { APP_ENTRY_URL, APP_SCHEME, CONTENT_SECURITY_POLICY, appUrlToFile, hardenedWebPreferences } from './security';
import { utilityWorkerLauncher } from './utility-launcher';

const paths = appPaths(import.meta.url);
const log = (message: string): void => {
  console.error(`[iseg] ${message}`);
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  void app.whenReady().then(start);
}

let mainWindow: BrowserWindow | undefined;

app.on('second-instance', () => {
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
});

function buildMenu(specs: MenuSpec[], window: () => BrowserWindow | undefined): Menu {
  const template: MenuItemConstructorOptions[] = specs.map((spec) => ({
    label: spec.label,
    submenu: spec.items.map((item): MenuItemConstructorOptions => {
      if (item.type === 'separator') return { type: 'separator' };
      if (item.role) return { role: item.role, label: item.label, accelerator: item.accelerator };
      const command = item.command;
      return {
        label: item.label,
        accelerator: item.accelerator,
        click: () => {
          const contents = window()?.webContents;
          if (contents && command) sendEvent(contents, 'app.menu', { command });
        },
      };
    }),
  }));
  return Menu.buildFromTemplate(template);
}

/** The first argument after the app folder that names an existing file or folder. */
function initialImageArgument(argv: readonly string[]): string | undefined {
  const candidates = argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'));
  return candidates.find((a) => existsSync(a));
}

async function chooseImage(folder: boolean, startIn?: string): Promise<string | undefined> {
  // The page only suggests where the dialog starts; the user still chooses what is opened.
  const start = startIn !== undefined ? { defaultPath: startIn } : {};
  const options: Electron.OpenDialogOptions = folder
    ? { title: 'Open DICOM folder', properties: ['openDirectory'], ...start }
    : {
        ...start,
        title: 'Open image',
        properties: ['openFile'],
        // Dialog filters match the last suffix only ('gz' for '.nii.gz').
        filters: [
          { name: 'Images', extensions: [...new Set(VOLUME_FORMATS.flatMap((f) => f.extensions.map((e) => e.split('.').pop() ?? '')))] },
          { name: 'DICOM', extensions: ['dcm'] },
        ],
      };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

async function chooseSavePath(suggestedName: string): Promise<string | undefined> {
  const options: Electron.SaveDialogOptions = {
    title: 'Export labels',
    defaultPath: suggestedName,
    filters: [
      { name: 'NIfTI', extensions: ['nii.gz', 'nii'] },
      { name: 'NRRD (3D Slicer)', extensions: ['seg.nrrd', 'nrrd'] },
    ],
  };
  const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  return result.canceled ? undefined : result.filePath;
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, (request) => {
    const file = appUrlToFile(paths.rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString()).then((response) => {
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    });
  });
  // No permission (camera, notifications, …) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });

  const initialPath = initialImageArgument(process.argv);
  const { handlers, events, inference, files } = await createAppServices({
    transport: 'electron',
    paths,
    launcher: utilityWorkerLauncher(paths.workerEntry),
    log,
    chooseImage,
    chooseSavePath,
    // The autosave journal lives in the user's data folder (ISEG_STATE_DIR overrides it for tests).
    dataFolder: process.env.ISEG_STATE_DIR ?? app.getPath('userData'),
    ...(initialPath !== undefined ? { initialPath } : {}),
  });
  registerIpcHandlers(handlers, log);
  registerDropGrant(files);
  inference.onStatus((status) => {
    if (mainWindow) sendEvent(mainWindow.webContents, 'inference.status', status);
  });
  // The desktop app has one client, its window.
  events.subscribe((_clientId, name, payload) => {
    if (mainWindow) sendEvent(mainWindow.webContents, name, payload);
  });

  Menu.setApplicationMenu(buildMenu(menuTemplate(process.platform === 'darwin'), () => mainWindow));

  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'iSeg Studio',
    show: false,
    webPreferences: hardenedWebPreferences(join(paths.root, 'dist', 'electron', 'preload.cjs')),
  });
  const contents = mainWindow.webContents;
  contents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The page's beforeunload holds a close or reload while labels are unsaved; Electron then asks
  // nothing by itself, so ask here (the labels are autosaved either way).
  contents.on('will-prevent-unload', (event) => {
    const options: Electron.MessageBoxSyncOptions = {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved labels',
      message: 'The labels have changes that were not exported or saved in a session.',
      detail: 'They are autosaved, and the next start offers to restore them.',
    };
    const choice = mainWindow ? dialog.showMessageBoxSync(mainWindow, options) : dialog.showMessageBoxSync(options);
    if (choice === 0) event.preventDefault();
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  await mainWindow.loadURL(APP_ENTRY_URL);

  app.on('window-all-closed', () => {
    inference.stop();
    app.quit();
  });
}
