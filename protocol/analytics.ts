/** Admin analytics: daily rollups for a range of days (server/analytics). */
import { z } from 'zod';

export const ANALYTICS_RANGES = [7, 30, 90] as const;

export const analyticsQuerySchema = z.object({
  days: z.enum(['7', '30', '90']).default('30').transform(Number),
});

export const analyticsDaySchemaOut = z.object({
  day: z.string(),
  dau: z.number(),
  wau: z.number(),
  mau: z.number(),
  signups: z.number(),
  messages: z.number(),
  focusMinutes: z.number(),
  chessGames: z.number(),
  blackjackRounds: z.number(),
  streams: z.number(),
  watchMinutes: z.number(),
  peakSockets: z.number(),
  storageBytes: z.number().nullable(),
});
export type AnalyticsDay = z.infer<typeof analyticsDaySchemaOut>;

export const analyticsSchemaOut = z.object({
  timeZone: z.string(),
  from: z.string(),
  to: z.string(),
  /** One entry per day from `from` to `to`, oldest first (days without activity are zeros). */
  days: z.array(analyticsDaySchemaOut),
  busiestRooms: z.array(z.object({ roomId: z.number(), name: z.string().nullable(), messages: z.number() })),
  /** When the rollup last ran (null: never yet). */
  computedAt: z.number().nullable(),
});
export type Analytics = z.infer<typeof analyticsSchemaOut>;
