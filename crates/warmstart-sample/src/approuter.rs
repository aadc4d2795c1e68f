//! The `app-router` shape (issue 16): Cal.com as of 2025 — Next 15 with
//! `next dev --turbopack`, React 19, and the App Router: route groups
//! (`app/(use-page-wrapper)/auth/login/page.tsx`), nested layouts, a
//! template, loading/error/not-found files, a dynamic and an optional
//! catch-all segment, and `"use client"` components below server ones.
//!
//! Its workspace barrels make a route compile far more than it uses, the
//! way Turbopack compiles them: `@calcom/ui`'s index re-exports every
//! component (the 17 named ones and every generated one) and `@calcom/lib`
//! gets an index that re-exports its modules, and neither package declares
//! `"sideEffects": false` — so Turbopack evaluates each barrel whole (it
//! passes side-effect-free modules through by name, and
//! `optimizePackageImports` does not reach workspace packages). Cal.com's
//! own packages do declare `sideEffects: false`; many monorepos do not.
//!
//! Applied after the default layout: the pages that move to `app/` leave
//! `pages/` (Next refuses a route defined twice); `pages/_app.tsx` and the
//! API route stay.

use serde_json::json;

use crate::out::Out;

/// The login page of this shape (repo-relative).
pub const LOGIN_PAGE: &str = "apps/web/app/(use-page-wrapper)/auth/login/page.tsx";

const NEXT_CONFIG: &str = r#"const path = require("path");

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  transpilePackages: [
    "@calcom/app-store",
    "@calcom/features",
    "@calcom/lib",
    "@calcom/prisma",
    "@calcom/ui",
  ],
  // The monorepo root: Turbopack compiles the workspace packages from there.
  turbopack: {
    root: path.join(__dirname, "../.."),
  },
  outputFileTracingRoot: path.join(__dirname, "../.."),
};

module.exports = nextConfig;
"#;

/// `(path, text)` of the App Router files.
const APP_FILES: &[(&str, &str)] = &[
    (
        "apps/web/app/layout.tsx",
        r#"import type { ReactNode } from "react";

import AppProviders from "@lib/app-providers";

export const metadata = { title: "Cal.com sample" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AppProviders>{children}</AppProviders>
      </body>
    </html>
  );
}
"#,
    ),
    (
        "apps/web/app/not-found.tsx",
        "export default function NotFound() {\n  return <h1>Not found</h1>;\n}\n",
    ),
    (
        "apps/web/app/global-error.tsx",
        r#""use client";

export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <button onClick={() => reset()}>Try again</button>
      </body>
    </html>
  );
}
"#,
    ),
    (
        "apps/web/app/(use-page-wrapper)/layout.tsx",
        r#"import type { ReactNode } from "react";

import PageWrapper from "@components/PageWrapper";

export default function WrapperLayout({ children }: { children: ReactNode }) {
  return <PageWrapper>{children}</PageWrapper>;
}
"#,
    ),
    (
        "apps/web/app/(use-page-wrapper)/loading.tsx",
        "import Loader from \"@components/Loader\";\n\nexport default function Loading() {\n  return <Loader />;\n}\n",
    ),
    (
        "apps/web/app/(use-page-wrapper)/auth/template.tsx",
        "import type { ReactNode } from \"react\";\n\n\
         export default function AuthTemplate({ children }: { children: ReactNode }) {\n  \
         return <section>{children}</section>;\n}\n",
    ),
    (
        LOGIN_PAGE,
        r#"import { validJson } from "@calcom/lib";

import Login from "~/auth/login-view";

export const metadata = { title: "Log in" };

export default function LoginPage() {
  return <Login ready={validJson("{}")} />;
}
"#,
    ),
    (
        "apps/web/app/(use-page-wrapper)/auth/login/error.tsx",
        r#""use client";

export default function LoginError({ reset }: { error: Error; reset: () => void }) {
  return <button onClick={() => reset()}>Try again</button>;
}
"#,
    ),
    (
        "apps/web/app/(use-page-wrapper)/apps/[slug]/page.tsx",
        r#"import { getAppFromSlug } from "@calcom/app-store/utils";
import { Badge } from "@calcom/ui";

export default async function AppPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const app = getAppFromSlug(slug);
  return <Badge label={app?.name ?? slug} />;
}
"#,
    ),
    (
        "apps/web/app/(use-page-wrapper)/settings/[[...tab]]/page.tsx",
        "import Shell from \"@calcom/features/shell/Shell\";\n\n\
         export default function SettingsPage() {\n  return <Shell />;\n}\n",
    ),
    (
        "apps/web/components/PageWrapper.tsx",
        r#""use client";

import type { ReactNode } from "react";

import { validJson } from "@calcom/lib";
import { Toast } from "@calcom/ui";

export default function PageWrapper({ children }: { children: ReactNode }) {
  return (
    <div data-ok={validJson("{}") ? 1 : 0}>
      <Toast />
      {children}
    </div>
  );
}
"#,
    ),
    (
        "apps/web/modules/auth/login-view.tsx",
        r#""use client";

import Loader from "@components/Loader";

import { useLocale } from "@calcom/lib/hooks/useLocale";
import { Button, TextField } from "@calcom/ui";

export default function Login(props: { loading?: boolean; ready?: boolean }) {
  const { t } = useLocale();
  if (props.loading) return <Loader />;
  return (
    <form data-ready={props.ready ? 1 : 0}>
      <TextField />
      <Button>{t("login")}</Button>
    </form>
  );
}
"#,
    ),
];

/// Pages the App Router now serves.
const MOVED_PAGES: &[&str] = &[
    "apps/web/pages/index.tsx",
    "apps/web/pages/auth/login.tsx",
    "apps/web/pages/apps/[slug].tsx",
];

/// A generated module (the graph's filler) under `dir`.
fn generated_under<'a>(out: &'a Out, dir: &'a str) -> impl Iterator<Item = &'a String> + 'a {
    out.files.iter().filter_map(move |(path, bytes)| {
        let generated = bytes
            .split(|b| *b == b'\n')
            .next()
            .is_some_and(|l| l.ends_with(b"(generated sample module)"));
        (generated && path.starts_with(dir)).then_some(path)
    })
}

fn without_extension(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(p, _)| p)
}

pub(crate) fn apply(out: &mut Out) {
    edit_json(out, "apps/web/package.json", |pkg| {
        pkg["scripts"] = json!({
            "dev": "next dev --turbopack",
            "build": "next build",
            "start": "next start"
        });
        if let Some(deps) = pkg["dependencies"].as_object_mut() {
            deps.insert("next".into(), json!("^15.5.0"));
            deps.insert("react".into(), json!("^19.1.0"));
            deps.insert("react-dom".into(), json!("^19.1.0"));
        }
        if let Some(dev) = pkg["devDependencies"].as_object_mut() {
            dev.remove("copy-webpack-plugin");
            dev.remove("dotenv");
            dev.insert("@types/react".into(), json!("^19.1.0"));
        }
    });
    edit_json(out, "apps/web/tsconfig.json", |ts| {
        ts["compilerOptions"]["plugins"] = json!([{ "name": "next" }]);
        ts["include"] = json!([
            "next-env.d.ts",
            "**/*.ts",
            "**/*.tsx",
            ".next/types/**/*.ts"
        ]);
    });
    out.text("apps/web/next.config.js", NEXT_CONFIG);
    for page in MOVED_PAGES {
        out.files.remove(*page);
    }
    for (path, text) in APP_FILES {
        out.text(*path, *text);
    }
    // The providers wrap the root layout: a client component now.
    if let Some(bytes) = out.files.get_mut("apps/web/lib/app-providers.tsx") {
        let mut text = b"\"use client\";\n\n".to_vec();
        text.extend_from_slice(bytes);
        *bytes = text;
    }

    // Barrels Turbopack evaluates whole: no `sideEffects: false`.
    for pkg in ["packages/ui/package.json", "packages/lib/package.json"] {
        edit_json(out, pkg, |p| {
            if let Some(p) = p.as_object_mut() {
                p.remove("sideEffects");
            }
        });
    }
    let ui: Vec<String> = generated_under(out, "packages/ui/components/")
        .map(|p| {
            format!(
                "export * from \"./{}\";\n",
                without_extension(p.trim_start_matches("packages/ui/"))
            )
        })
        .collect();
    if let Some(bytes) = out.files.get_mut("packages/ui/index.ts") {
        bytes.extend_from_slice(
            b"// Every generated component, as a design system's index lists them.\n",
        );
        for line in &ui {
            bytes.extend_from_slice(line.as_bytes());
        }
    }
    let lib: Vec<String> = generated_under(out, "packages/lib/")
        .map(|p| {
            format!(
                "export * from \"./{}\";\n",
                without_extension(p.trim_start_matches("packages/lib/"))
            )
        })
        .collect();
    if let Some(bytes) = out.files.get("packages/lib/index.ts") {
        // The default index re-exports `isBookingLimits`, which reaches
        // Prisma's zod schemas and the generated app-store schemas (absent
        // until `apps build`): this index leaves it out.
        let text = String::from_utf8_lossy(bytes).replace(
            "export { isBookingLimits } from \"./isBookingLimits\";\n",
            "export { useLocale } from \"./hooks/useLocale\";\n",
        );
        let mut text = text.to_string();
        text.push_str("\n// Every module of the package, as a utility index lists them.\n");
        for line in &lib {
            text.push_str(line);
        }
        out.text("packages/lib/index.ts", text);
    }
}

fn edit_json(out: &mut Out, path: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let Some(bytes) = out.files.get(path) else {
        return;
    };
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    f(&mut value);
    out.json(path, &value);
}
