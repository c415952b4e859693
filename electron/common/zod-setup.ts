/**
 * zod compiles object schemas with `new Function` unless told not to. The page's CSP forbids eval,
 * and no runtime here needs the speed-up, so every runtime imports this before any schema parses.
 */
import { config } from 'zod';

config({ jitless: true });
