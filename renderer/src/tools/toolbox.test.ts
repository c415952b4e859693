import { configure, runInAction } from 'mobx';
import { beforeAll, describe, expect, it } from 'vitest';
import { RootStore } from '../stores/root-store';
import { TOOLS, type Tool } from '../stores/tool-store';
import { FakeClient, syntheticVolume } from '../testing/fake-client';
import { pointer, testPane, type PointerOptions } from '../testing/tool-pointer';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

async function opened(): Promise<RootStore> {
  const root = new RootStore(new FakeClient({ 'volume.openInitial': () => Promise.resolve(syntheticVolume()) }));
  await root.openWorkflow.openInitial();
  return root;
}

/** Which tool takes a press with `tool` active, and how. */
function taker(root: RootStore, tool: Tool, options: PointerOptions): string {
  runInAction(() => {
    root.tools.setTool(tool);
  });
  const taken = root.toolbox.press(pointer(testPane(), { at: [1, 1], ...options }));
  if (taken === undefined) return 'nobody';
  const { toolbox } = root;
  const names = new Map<unknown, string>([
    [toolbox.navigate, 'navigate'],
    [toolbox.window, 'window'],
    [toolbox.click, 'click'],
    [toolbox.brush, 'brush'],
    [toolbox.eraser, 'eraser'],
    [toolbox.box, 'box'],
    [toolbox.scribble, 'scribble'],
  ]);
  taken.tool.cancel();
  return `${names.get(taken.tool) ?? '?'} ${taken.answer}`;
}

describe('Toolbox', () => {
  it('offers a press to the active tool, then window/level, then navigation', async () => {
    const root = await opened();
    const table = TOOLS.map((tool) => [
      tool,
      taker(root, tool, { button: 0 }),
      taker(root, tool, { button: 0, shiftKey: true }),
      taker(root, tool, { button: 1 }),
      taker(root, tool, { button: 2 }),
    ]);
    expect(table).toEqual([
      // tool,      left,             Shift+left,       middle,           right
      ['navigate', 'navigate drag', 'navigate drag', 'navigate drag', 'window drag'],
      ['click', 'click done', 'click done', 'navigate drag', 'click drag'],
      ['brush', 'brush drag', 'navigate drag', 'navigate drag', 'window drag'],
      ['eraser', 'eraser drag', 'navigate drag', 'navigate drag', 'window drag'],
      ['box', 'box drag', 'nobody', 'navigate drag', 'window drag'],
      ['scribble', 'scribble drag', 'scribble drag', 'navigate drag', 'window drag'],
    ]);
  });

  it('undo and redo wait for a stroke in progress, which is then one step', async () => {
    const root = await opened();
    const { brush } = root.toolbox;
    brush.beginStroke();
    brush.paintPixels({ axis: 2, slice: 0 }, [0, 1]);
    brush.paintPixels({ axis: 2, slice: 0 }, [2]);
    expect(root.toolbox.stroking).toBe(true);
    root.history.undo();
    expect(root.segmentation.count(1)).toBe(3);
    brush.endStroke();
    expect(root.toolbox.stroking).toBe(false);
    root.history.undo();
    expect(root.segmentation.count(1)).toBe(0);
    root.history.redo();
    expect(root.segmentation.count(1)).toBe(3);
  });

  it('a new image forgets a stroke in progress', async () => {
    const root = await opened();
    root.toolbox.eraser.beginStroke();
    expect(root.toolbox.stroking).toBe(true);
    await root.openWorkflow.openInitial();
    expect(root.toolbox.stroking).toBe(false);
    root.toolbox.eraser.paintPixels({ axis: 2, slice: 0 }, [0]);
    expect(root.history.labels).toEqual([]);
  });
});
