// What a user may choose for emails about unread messages, shared by the route and the settings
// page. The values are the database enum's (users.email_notifications).
import { z } from 'zod';

export const EMAIL_NOTIFICATION_SETTINGS = ['on', 'hide_text', 'off'] as const;
export const emailNotificationsSchema = z.object({ emailNotifications: z.enum(EMAIL_NOTIFICATION_SETTINGS) });
export type EmailNotificationSetting = (typeof EMAIL_NOTIFICATION_SETTINGS)[number];

/** The one-click unsubscribe link's token (lib/notifications/unsubscribe-token.ts), from its URL. */
export const unsubscribeQuerySchema = z.object({ token: z.string().min(1).max(500) });
