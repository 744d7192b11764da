/**
 * The push message body of the MobileFirst push REST API (`POST /imfpush/v1/apps/{app}/messages`),
 * typed field by field as the API reference documents it. Sent as JSON exactly as given.
 *
 * The reference gives no length limits for any field, so none are checked here: the server has
 * the last word on sizes.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 */

/** A JSON object passed on to the app as it is (`payload`, WNS `launch`…). */
export type JsonObject = { readonly [key: string]: unknown };

/** Target platforms: `A` (Apple/iOS), `G` (Google/Android), `W` (Microsoft/Windows). */
export type PushPlatform = 'A' | 'G' | 'W';

/** Channel of a notification: 1 push only, 2 SMS only, 3 push and SMS. */
export type NotificationType = 1 | 2 | 3;

/** iOS notification type. */
export type ApnsType = 'DEFAULT' | 'MIXED' | 'SILENT';

/** Android notification priority. */
export type GcmPriority = 'max' | 'high' | 'default' | 'low' | 'min';

/** Android lock-screen visibility. */
export type GcmVisibility = 'public' | 'private' | 'secret';

/** Android notification category (Android 5.0+), the values the API reference allows. */
export type GcmCategory =
  | 'call'
  | 'alarm'
  | 'email'
  | 'err'
  | 'event'
  | 'msg'
  | 'progress'
  | 'promo'
  | 'recommendation'
  | 'service'
  | 'social'
  | 'status'
  | 'transport';

/** iOS (APNs) settings. */
export interface ApnsSettings {
  /** Number shown in the badge on the app icon (an integer). */
  readonly badge?: number;
  /** Category name for interactive notifications (iOS 8+). */
  readonly category?: string;
  /** Label of the button that opens the app. */
  readonly iosActionKey?: string;
  /** JSON handed to the app when it is opened from the notification or already open. */
  readonly payload?: JsonObject;
  /** Sound file to play. */
  readonly sound?: string;
  /** `DEFAULT`, `MIXED` or `SILENT`. */
  readonly type?: ApnsType;
  /** Title of a rich notification (iOS 10+). */
  readonly title?: string;
  /** Subtitle of a rich notification (iOS 10+). */
  readonly subtitle?: string;
  /** Link to the notification's media: video, audio, GIF, image (iOS 10+). */
  readonly attachmentUrl?: string;
}

/** Android settings. They go under `gcm`: the API documents no `fcm` key. */
export interface GcmSettings {
  /** Bridge the notification to devices connected to the handheld (Android 5.0+). */
  readonly bridge?: boolean;
  /** Category of the notification (Android 5.0+). */
  readonly category?: GcmCategory;
  /** Messages queued with the same key replace each other: only the last is delivered. */
  readonly collapseKey?: string;
  /** Do not send while the device is idle. @default false */
  readonly delayWhileIdle?: boolean;
  /** JSON handed to the app when it is opened from the notification or already open. */
  readonly payload?: JsonObject;
  /** `max`, `high`, `default`, `low` or `min`. */
  readonly priority?: GcmPriority;
  /** Text shown instead of the alert on a secured lock screen when `visibility` is `private`. */
  readonly redact?: string;
  /** Sound file on the device to play. */
  readonly sound?: string;
  /** Dismiss the notification on the user's other devices once handled on one. */
  readonly sync?: boolean;
  /** How long the message is kept for an offline device, in seconds. @default 4 weeks */
  readonly timeToLive?: number;
  /** Lock-screen visibility: `public`, `private` or `secret` (Android 5.0+). */
  readonly visibility?: GcmVisibility;
}

/** A WNS badge: a glyph by value. */
export interface WnsBadge {
  /** A number or the name of a predefined glyph. */
  readonly value?: number | string;
  /** Version of the payload. */
  readonly version?: number | string;
}

/** A WNS visual (tile or toast): passed on as it is; its `binding`s follow the WNS templates. */
export interface WnsVisual {
  readonly addImageQuery?: boolean;
  readonly baseUri?: string;
  /** Tile: an array of bindings; toast: one binding. Each names its `template`. */
  readonly binding?: JsonObject | readonly JsonObject[];
  readonly branding?: string;
  readonly contentId?: string;
  readonly lang?: string;
  readonly version?: number | string;
}

/** Windows (WNS) settings. */
export interface WnsSettings {
  /** Badge notification. */
  readonly badge?: WnsBadge;
  /** Whether the notification may be cached. */
  readonly cachePolicy?: boolean;
  /** Expiry time of the notification. */
  readonly expirationTime?: number;
  /** Raw notification: `payload` reaches the app only while it is open. */
  readonly raw?: { readonly payload?: JsonObject };
  /** Tile notification. */
  readonly tile?: { readonly tag?: string; readonly visual?: WnsVisual };
  /** Toast notification. */
  readonly toast?: {
    readonly audio?: { readonly loop?: boolean; readonly silent?: boolean; readonly src?: string };
    readonly duration?: 'short' | 'long';
    /** Passed to the app when the toast is tapped (a string, or JSON as the API's example). */
    readonly launch?: string | JsonObject;
    readonly visual?: WnsVisual;
  };
}

/** Per-platform settings. */
export interface PushSettings {
  readonly apns?: ApnsSettings;
  readonly gcm?: GcmSettings;
  readonly wns?: WnsSettings;
}

/** Exactly one kind of target: the API allows only one. Leave `target` out for a broadcast. */
export type PushTarget =
  | {
      /** Device IDs (unicast). */
      readonly deviceIds: readonly string[];
      readonly platforms?: never;
      readonly tagNames?: never;
      readonly userIds?: never;
    }
  | {
      readonly deviceIds?: never;
      /** Every device of these platforms. */
      readonly platforms: readonly PushPlatform[];
      readonly tagNames?: never;
      readonly userIds?: never;
    }
  | {
      readonly deviceIds?: never;
      readonly platforms?: never;
      /** Devices subscribed to these tags. */
      readonly tagNames: readonly string[];
      readonly userIds?: never;
    }
  | {
      readonly deviceIds?: never;
      readonly platforms?: never;
      readonly tagNames?: never;
      /** The devices of these users (unicast). */
      readonly userIds: readonly string[];
    };

/**
 * One push notification, as `POST …/messages` takes it. `PushClient` checks it before sending:
 * types, documented values, the one-target rule, unknown keys. No length is checked: the API
 * reference documents no limit, so the server has the last word.
 *
 * @example
 * ```ts
 * const notification: PushNotification = {
 *   message: { alert: 'Your order has shipped' },
 *   target: { userIds: ['alice'] },
 *   settings: { gcm: { priority: 'high' }, apns: { sound: 'default' } },
 * };
 * ```
 */
export interface PushNotification {
  /** The message; `alert` is the text shown (non-empty). */
  readonly message: { readonly alert: string };
  /** 1 push (the server's default), 2 SMS, 3 both. */
  readonly notificationType?: NotificationType;
  /** Per-platform settings. */
  readonly settings?: PushSettings;
  /** Who receives it: one kind of target, or none for a broadcast to every device of the app. */
  readonly target?: PushTarget;
}
