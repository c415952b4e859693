/** The application menu as data (tested without Electron); commands go to the page as events. */
export type MenuCommand = 'open' | 'save' | 'export' | 'undo' | 'redo';

export interface MenuItemSpec {
  label?: string;
  accelerator?: string;
  command?: MenuCommand;
  role?: 'quit' | 'toggleDevTools' | 'about' | 'reload';
  type?: 'separator';
}

export interface MenuSpec {
  label: string;
  items: MenuItemSpec[];
}

export function menuTemplate(isMac: boolean): MenuSpec[] {
  return [
    {
      label: 'File',
      items: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', command: 'open' },
        { label: 'Save Session…', accelerator: 'CmdOrCtrl+S', command: 'save' },
        { label: 'Export Labels…', accelerator: 'CmdOrCtrl+E', command: 'export' },
        { type: 'separator' },
        { label: isMac ? 'Quit iSeg Studio' : 'Exit', accelerator: isMac ? 'Cmd+Q' : 'Ctrl+Q', role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      items: [
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', command: 'undo' },
        { label: 'Redo', accelerator: isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y', command: 'redo' },
      ],
    },
    { label: 'View', items: [{ role: 'reload' }, { role: 'toggleDevTools' }] },
    { label: 'Help', items: [{ label: 'About iSeg Studio', role: 'about' }] },
  ];
}
