// Structured logs (pino) for every server process; the level comes from LOG_LEVEL.
import pino from 'pino';
import { env } from './env';

export const logger = pino({ level: env.LOG_LEVEL, base: { service: process.env.SERVICE_NAME ?? 'stayeasy' } });
