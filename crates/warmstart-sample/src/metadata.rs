//! The `_metadata.ts` apps: one per shape seen in Cal.com (see
//! shared/CALCOM.md), so the static evaluator meets every construct.

/// A `_metadata.ts` app: folder (relative to packages/app-store), category,
/// whether it has `appData.location`/`appData.tag`, and the file's text.
#[derive(Debug)]
pub(crate) struct MetadataApp {
    pub dir: &'static str,
    pub category: &'static str,
    pub description: &'static str,
    pub booker: bool,
    pub text: &'static str,
}

pub(crate) const METADATA_APPS: &[MetadataApp] = &[
    MetadataApp {
        dir: "applecalendar",
        category: "calendar",
        description: "Apple calendar runs both the macOS and iOS mobile operating systems.",
        booker: false,
        // Literals, comments of both kinds, `as AppMeta`.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

/**
 * Apple Calendar talks CalDAV; the credentials are per user.
 */
export const metadata = {
  name: "Apple Calendar",
  description: _package.description,
  installed: true,
  type: "apple_calendar",
  title: "Apple Calendar",
  variant: "calendar", // shown under "Calendars"
  categories: ["calendar"],
  category: "calendar",
  logo: "icon.svg",
  publisher: "Cal.com",
  slug: "apple-calendar",
  url: "https://cal.com/",
  email: "help@cal.com",
  dirName: "applecalendar",
  isOAuth: false,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "dailyvideo",
        category: "conferencing",
        description: "Cal Video is the in-house web-based video conferencing platform.",
        booker: true,
        // `!!process.env.X`, nested appData.location, key from the environment.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  name: "Cal Video",
  description: _package.description,
  installed: !!process.env.DAILY_API_KEY,
  type: "daily_video",
  variant: "conferencing",
  url: "https://daily.co",
  categories: ["conferencing"],
  logo: "icon.svg",
  publisher: "Cal.com",
  category: "conferencing",
  slug: "daily-video",
  title: "Cal Video",
  isGlobal: true,
  email: "help@cal.com",
  appData: {
    location: {
      linkType: "dynamic",
      type: "integrations:daily",
      label: "Cal Video",
    },
  },
  key: { apikey: process.env.DAILY_API_KEY },
  dirName: "dailyvideo",
  isOAuth: false,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "googlecalendar",
        category: "calendar",
        description: "Google Calendar is a time-management and scheduling service.",
        booker: false,
        // A call of an imported helper inside `!!( && )`.
        text: r#"import { validJson } from "@calcom/lib/jsonUtils";
import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  name: "Google Calendar",
  description: _package.description,
  installed: !!(process.env.GOOGLE_API_CREDENTIALS && validJson(process.env.GOOGLE_API_CREDENTIALS)),
  type: "google_calendar",
  title: "Google Calendar",
  variant: "calendar",
  category: "calendar",
  categories: ["calendar"],
  logo: "icon.svg",
  publisher: "Cal.com",
  slug: "google-calendar",
  url: "https://cal.com/",
  email: "help@cal.com",
  dirName: "googlecalendar",
  isOAuth: true,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "giphy",
        category: "other",
        description: "GIPHY is your top source for the best & newest GIFs & Animated Stickers online.",
        booker: false,
        // Arrays of objects and nested arrays.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  name: "Giphy",
  description: _package.description,
  installed: true,
  categories: ["other"],
  logo: "icon.svg",
  publisher: "Cal.com",
  slug: "giphy",
  title: "Giphy",
  type: "giphy_other",
  url: "https://cal.com/apps/giphy",
  variant: "other",
  extendsFeature: "EventType",
  email: "help@cal.com",
  screenshots: [
    { src: "GIPHY1.png", alt: "Pick a GIF" },
    { src: "GIPHY2.png", alt: "Shown after booking" },
  ],
  features: [["search", "pick"], ["show"]],
  dirName: "giphy",
  isOAuth: false,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "stripepayment",
        category: "payment",
        description: "Collect payments for paid bookings with Stripe.",
        booker: false,
        // `!!(A && B && C)` across lines; the schema maps key it as `stripe`.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  name: "Stripe",
  description: _package.description,
  installed: !!(
    process.env.STRIPE_CLIENT_ID &&
    process.env.NEXT_PUBLIC_STRIPE_PUBLIC_KEY &&
    process.env.STRIPE_PRIVATE_KEY
  ),
  slug: "stripe",
  category: "payment",
  categories: ["payment"],
  logo: "icon.svg",
  publisher: "Cal.com",
  title: "Stripe",
  type: "stripe_payment",
  url: "https://cal.com/",
  docsUrl: "https://stripe.com/docs",
  variant: "payment",
  extendsFeature: "EventType",
  email: "help@cal.com",
  dirName: "stripepayment",
  isOAuth: true,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "vital",
        category: "automation",
        description: "Vital App connects your health data with your calendar.",
        booker: false,
        // `!` and `||` of environment reads.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  name: "Vital",
  description: _package.description,
  installed: !!process.env.VITAL_API_KEY || !!process.env.VITAL_WEBHOOK_SECRET,
  isGlobal: !process.env.VITAL_DISABLED,
  category: "automation",
  categories: ["automation"],
  logo: "icon.svg",
  publisher: "Vital",
  slug: "vital-automation",
  title: "Vital",
  type: "vital_other",
  url: "https://tryvital.io",
  variant: "other",
  email: "support@tryvital.io",
  dirName: "vital",
  isOAuth: false,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "wipemycalother",
        category: "automation",
        description: "Wipe my cal: cancel all of today's bookings at once.",
        booker: false,
        // `_package.name` as well as `_package.description`.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  name: _package.name,
  description: _package.description,
  installed: true,
  category: "automation",
  categories: ["automation"],
  logo: "icon.svg",
  publisher: "Cal.com",
  slug: "wipe-my-cal",
  title: "Wipe my cal",
  type: "wipemycal_other",
  url: "https://cal.com/apps/wipe-my-cal",
  variant: "other",
  email: "help@cal.com",
  dirName: "wipemycalother",
  isOAuth: false,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "zoomvideo",
        category: "conferencing",
        description: "Zoom is a secure and reliable video platform.",
        booker: true,
        // Deeper nesting with booleans inside appData.location.
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

export const metadata = {
  linkType: "dynamic",
  name: "Zoom Video",
  description: _package.description,
  type: "zoom_video",
  categories: ["conferencing"],
  variant: "conferencing",
  logo: "icon.svg",
  publisher: "Cal.com",
  url: "https://zoom.us/",
  category: "conferencing",
  slug: "zoom",
  title: "Zoom Video",
  email: "help@cal.com",
  appData: {
    location: {
      default: false,
      linkType: "dynamic",
      type: "integrations:zoom",
      label: "Zoom Video",
    },
  },
  dirName: "zoomvideo",
  isOAuth: true,
} as AppMeta;

export default metadata;
"#,
    },
    MetadataApp {
        dir: "ee/meteredbilling",
        category: "payment",
        description: "Metered billing for teams (enterprise).",
        booker: false,
        text: r#"import type { AppMeta } from "@calcom/types/App";

import _package from "./package.json";

// Enterprise app: lives under ee/ and is expanded in place.
export const metadata = {
  name: "Metered Billing",
  description: _package.description,
  installed: !!process.env.METERED_BILLING_KEY,
  slug: "metered-billing",
  category: "payment",
  categories: ["payment"],
  logo: "icon.svg",
  publisher: "Cal.com",
  title: "Metered Billing",
  type: "metered_payment",
  url: "https://cal.com/",
  variant: "payment",
  email: "help@cal.com",
  dirName: "meteredbilling",
  isOAuth: false,
} as AppMeta;

export default metadata;
"#,
    },
];
