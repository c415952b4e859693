/**
 * The one typed contract for every call that crosses a process boundary (renderer ↔ main over
 * Electron IPC, browser ↔ serve mode over WebSocket). Main validates every input with these
 * schemas before a handler sees it: the renderer is untrusted.
 */
import './zod-setup';
import { z } from 'zod';
import { COMPONENT_TYPES } from './volume';
import { clickMethods } from './contract-click';
import { propagationEvents, propagationMethods } from './contract-propagation';
import { journalMethodsFor } from './contract-journal';
import { dicomMethods } from './contract-dicom';
import { labelEntrySchema, labelSidecarSchema, modelReferenceSchema } from './label-sidecar';

const finite = z.number(); // zod 4 numbers reject NaN and ±Infinity by default
const vec3 = z.tuple([finite, finite, finite]);
const positiveInt = z
  .number()
  .int()
  .positive()
  .max(1 << 16);

export const volumeGeometrySchema = z.object({
  size: z.tuple([positiveInt, positiveInt, positiveInt]),
  spacing: z.tuple([finite.positive(), finite.positive(), finite.positive()]),
  origin: vec3,
  direction: z.tuple([finite, finite, finite, finite, finite, finite, finite, finite, finite]),
});

export const volumeMetaSchema = z.object({
  /** Opaque id main uses to find the volume again; never a path. */
  id: z.string().min(1).max(64),
  name: z.string().max(512),
  geometry: volumeGeometrySchema,
  componentType: z.enum(COMPONENT_TYPES),
  range: z.tuple([finite, finite]),
  orientation: z.string().length(3),
  source: z.enum(['sample', 'file']),
  /** Voxels that are NaN or ±Infinity (left out of `range`); absent when there is none. */
  nonFiniteVoxels: z.number().int().positive().optional(),
  /** DICOM Modality (0008,0060), e.g. "CT" or "MR", when the image came from a DICOM series. */
  modality: z.string().max(16).optional(),
});
export type VolumeMeta = z.infer<typeof volumeMetaSchema>;

const arrayBufferSchema = z.instanceof(ArrayBuffer);

export const volumeMessageSchema = z.object({
  meta: volumeMetaSchema,
  /** Voxels in the meta's component type, i fastest; travels as binary, never as JSON numbers. */
  voxels: arrayBufferSchema,
});
export type VolumeMessage = z.infer<typeof volumeMessageSchema>;

const volumeIdSchema = z.string().min(1).max(64);
const previewIdSchema = z.string().min(1).max(64);

/**
 * An opened image's centre slices and automatic window/level, pushed ahead of the reply that
 * carries its voxels (common/volume-preview.ts); the page draws them while the voxels travel.
 */
export const volumePreviewSchema = z.object({
  previewId: previewIdSchema,
  meta: volumeMetaSchema,
  center: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.number().int().nonnegative()]),
  /** The slices through `center` normal to i, j and k, in the meta's component type. */
  planes: z.tuple([arrayBufferSchema, arrayBufferSchema, arrayBufferSchema]),
  windowLevel: z.object({ window: finite.positive(), level: finite }),
});
export type VolumePreview = z.infer<typeof volumePreviewSchema>;

/** A label map in an open image's geometry: one uint8/uint16 value per voxel, i fastest. */
export const labelVoxelsSchema = z.object({
  componentType: z.enum(['uint8', 'uint16']),
  voxels: arrayBufferSchema,
});

export const exportLabelsInputSchema = z
  .object({
    volumeId: volumeIdSchema,
    path: z.string().min(1).max(4096),
    labelMap: labelVoxelsSchema,
    labels: z.array(labelEntrySchema).max(65535),
    provenance: z.object({
      models: z.array(modelReferenceSchema).max(64),
      clicks: z.number().int().nonnegative(),
      propagation: z.record(z.string(), z.json()).optional(),
    }),
  })
  .strict();

export const workerStatusSchema = z.object({
  state: z.enum(['starting', 'ready', 'restarting', 'failed', 'stopped']),
  restarts: z.number().int().nonnegative(),
  pid: z.number().int().positive().optional(),
  lastError: z.string().optional(),
  /** While a restart is scheduled: how long until it (a longer cool-down after a burst of crashes). */
  retryInMs: z.number().nonnegative().optional(),
  /** While the worker is away: why, and when it is back, for the status bar (lower case, no stop). */
  message: z.string().optional(),
});
export type WorkerStatus = z.infer<typeof workerStatusSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  transport: z.enum(['electron', 'serve']),
  platform: z.string(),
  inference: workerStatusSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const noArgs = z.object({}).strict();

/** A path the page names; main checks it against the session's file-access policy. */
const pathSchema = z.string().min(1).max(4096);

export const fileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['folder', 'image', 'session']),
  size: z.number().nonnegative(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const dicomSeriesSchema = z.object({
  uid: z.string(),
  description: z.string(),
  modality: z.string(),
  seriesNumber: z.number().optional(),
  fileCount: z.number().int().nonnegative(),
});
export type DicomSeries = z.infer<typeof dicomSeriesSchema>;

/** The bundled samples: a real knee MRI (the first-run sample) and a simulated knee with labels. */
export const SAMPLE_IDS = ['knee-mri', 'knee-simulated'] as const;
export const sampleIdSchema = z.enum(SAMPLE_IDS);
export type SampleId = z.infer<typeof sampleIdSchema>;

/** Every method: its input schema and its output schema. */
const coreMethods = {
  'app.getInfo': { input: noArgs, output: appInfoSchema },
  /** The named sample, or without one the app's first-run sample. */
  'volume.openSample': { input: z.object({ sample: sampleIdSchema.optional() }).strict(), output: volumeMessageSchema },
  'volume.openInitial': { input: noArgs, output: volumeMessageSchema },
  /** An image file or DICOM folder; `seriesUid` picks one series of a folder that holds several. */
  'volume.openFile': {
    input: z
      .object({
        path: pathSchema,
        seriesUid: z.string().min(1).max(128).optional(),
        /** Asks for a `volume.preview` event under this id ahead of the reply (large images only). */
        previewId: previewIdSchema.optional(),
      })
      .strict(),
    output: volumeMessageSchema,
  },
  /** The DICOM series in a folder (or a DICOM file's folder), to let the user pick one. */
  'files.listSeries': {
    input: z.object({ path: pathSchema }).strict(),
    output: z.object({ series: z.array(dicomSeriesSchema) }),
  },
  /** Native file dialog (desktop only); the chosen path is granted to the page. */
  'dialog.chooseImage': {
    input: z.object({ folder: z.boolean().default(false), /** The folder the dialog starts in (the last one used). */ startIn: pathSchema.optional() }).strict(),
    output: z.object({ path: z.string().optional() }),
  },
  /** Folders and images under the roots this session may open (serve mode's file browser). */
  'files.list': {
    input: z.object({ folder: pathSchema.optional() }).strict(),
    output: z.object({
      folder: z.string(),
      parent: z.string().optional(),
      entries: z.array(fileEntrySchema),
      /** The folder holds DICOM images: opening it opens its series. */
      dicom: z.boolean().optional(),
      roots: z.array(z.string()),
      /** Serve mode's output folder, where exports and sessions are written (new files only). */
      output: z.string().optional(),
    }),
  },
  /** Serve mode: a file dropped on the page (its bytes; the browser gives no path) copied as a new file under the output folder. */
  'files.saveDropped': {
    input: z.object({ name: z.string().min(1).max(255), bytes: arrayBufferSchema }).strict(),
    output: z.object({ path: z.string() }),
  },
  /** A label map (ground truth or earlier work) for an open image; its geometry must match. */
  'labels.load': {
    input: z.object({ volumeId: volumeIdSchema, path: pathSchema }).strict(),
    output: z.object({
      name: z.string(),
      labelMap: labelVoxelsSchema,
      sidecar: labelSidecarSchema.optional(),
      /** Segment names and colours a DICOM SEG carries itself. */
      segments: z.array(labelEntrySchema).optional(),
    }),
  },
  /** Writes the label map (NIfTI or NRRD by extension) and its sidecar JSON in the image's geometry. */
  'labels.export': {
    input: exportLabelsInputSchema,
    output: z.object({
      path: z.string(),
      sidecarPath: z.string(),
      componentType: z.enum(['uint8', 'uint16']),
    }),
  },
  /** Native save dialog (desktop only); the chosen path is granted for writing. */
  'dialog.chooseSavePath': {
    input: z.object({ suggestedName: z.string().min(1).max(255) }).strict(),
    output: z.object({ path: z.string().optional() }),
  },
  /** Records a session: the open image and the label map just exported for it. */
  'session.write': {
    input: z
      .object({ path: pathSchema, volumeId: volumeIdSchema, labelsPath: pathSchema, activeSegment: z.number().int().min(0).max(65535).optional() })
      .strict(),
    output: z.object({ path: z.string() }),
  },
  /** Reads a session file: the image (and series) to open and the labels to load onto it. */
  'session.read': {
    input: z.object({ path: pathSchema }).strict(),
    output: z.object({
      imagePath: z.string(),
      seriesUid: z.string().optional(),
      labelsPath: z.string(),
      activeSegment: z.number().int().optional(),
      /** The session was saved on the bundled sample (imagePath is then only its name). */
      sample: z.boolean().optional(),
    }),
  },
  'inference.status': { input: noArgs, output: workerStatusSchema },
  'inference.ping': {
    input: z
      .object({ echo: arrayBufferSchema.refine((b) => b.byteLength <= 1 << 20, 'echo is limited to 1 MiB') })
      .strict(),
    output: z.object({ echo: arrayBufferSchema, roundTripMs: finite }),
  },
} as const;

export const methods = {
  ...coreMethods,
  ...clickMethods,
  ...propagationMethods,
  ...journalMethodsFor(volumeMessageSchema, volumeMetaSchema),
  ...dicomMethods,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults may be left out). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives, after validation has applied the defaults. */
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** Events main pushes to the page. */
export const events = {
  'inference.status': workerStatusSchema,
  'app.menu': z.object({ command: z.enum(['open', 'save', 'export', 'undo', 'redo']) }),
  'volume.preview': volumePreviewSchema,
  ...propagationEvents,
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** Electron IPC channels all carry this prefix; the preload refuses any other. */
export const CHANNEL_PREFIX = 'iseg:';
export const EVENT_CHANNEL = 'iseg:event';

/** What the renderer programs against; implemented over IPC and over WebSocket. */
export interface ServiceClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What the preload exposes to the page as `window.isegBridge` (nothing else crosses). */
export interface PreloadBridge {
  invoke(method: MethodName, input: unknown): Promise<CallResult>;
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  /**
   * A file dropped on the window (a DOM File), granted for reading by the path Electron knows for
   * it; answers `{ path }`. Only files the user dropped or picked have a path, so the page cannot
   * grant itself anything else.
   */
  readonly grantDroppedFile?: (file: unknown) => Promise<CallResult>;
}

export type CallResult =
  { ok: true; output: unknown } | { ok: false; error: { code: string; message: string } };

/** A call that failed on the other side, with its stable code. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CallError';
  }
}
