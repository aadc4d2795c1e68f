import type { AppMeta } from "@calcom/types/App";

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
