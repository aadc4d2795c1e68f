import type { AppMeta } from "@calcom/types/App";

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
