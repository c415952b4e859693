/**
 * A saved session (`<name>.iseg.json`): which image was open and where its working labels were
 * exported (beside the session, with their sidecar naming the segments). Paths are stored relative
 * to the session file when they are beside or below it, so a folder can be moved as a whole.
 */
import { z } from 'zod';

export const SESSION_FORMAT = 'iseg-session';
export const SESSION_SUFFIX = '.iseg.json';

export const sessionFileSchema = z.looseObject({
  format: z.literal(SESSION_FORMAT),
  version: z.literal(1),
  image: z.string().min(1).max(4096),
  seriesUid: z.string().min(1).max(128).optional(),
  labels: z.string().min(1).max(4096),
  activeSegment: z.number().int().min(0).max(65535).optional(),
  /** Saved on the bundled sample: `image` is its name, and it is reopened from the app. */
  sample: z.literal(true).optional(),
  saved: z.string(),
});
export type SessionFile = z.infer<typeof sessionFileSchema>;
