//! What `next dev` compiles before Ready (issue 15): `apps/web/instrumentation.ts`
//! in the shape Sentry documents for Next.js — the SDK imported at the top
//! for one re-export, `register()` loading the runtime's config — with the
//! two config files, a `middleware.ts`, and `.env.example` with
//! `NEXT_PUBLIC_SENTRY_DSN=` (as Cal.com's has).
//!
//! Two flavours: Next 13.5 with webpack (`experimental.instrumentationHook`
//! on, `@sentry/nextjs` 8, which still supports 13.5's edge runtime) and
//! Next 15 with `next dev --turbopack` (`@sentry/nextjs` 10).

use serde::{Deserialize, Serialize};

use crate::out::Out;

const DIR: &str = "apps/web";

/// Which Next.js the sample's web app is written for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextFlavor {
    /// Next 13.5, `next dev` (webpack) — Cal.com v4.7.24's setup.
    #[default]
    Next13Webpack,
    /// Next 15, `next dev --turbopack`.
    Next15Turbopack,
}

/// Sentry's documented `instrumentation.ts` for Next.js.
pub const INSTRUMENTATION: &str = r#"import * as Sentry from "@sentry/nextjs";

export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await import("./sentry.server.config");
  }

  if (process.env.NEXT_RUNTIME === "edge") {
    await import("./sentry.edge.config");
  }
}

export const onRequestError = Sentry.captureRequestError;
"#;

const SERVER_CONFIG: &str = r#"// Sentry on the Node.js server: without a DSN the SDK sends nothing.
import * as Sentry from "@sentry/nextjs";

Sentry.init({
  dsn: process.env.NEXT_PUBLIC_SENTRY_DSN,
  tracesSampleRate: 1,
});
"#;

const EDGE_CONFIG: &str = r#"// Sentry in the Edge runtime (middleware, edge routes).
import * as Sentry from "@sentry/nextjs";

Sentry.init({
  dsn: process.env.NEXT_PUBLIC_SENTRY_DSN,
  tracesSampleRate: 1,
});
"#;

const MIDDLEWARE: &str = r#"import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";

export function middleware(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set("x-url", req.url);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/auth/:path*", "/apps/:path*", "/api/:path*"],
};
"#;

/// Writes the before-Ready files (the Next 13.5 flavour).
pub(crate) fn emit(out: &mut Out) {
    out.text(format!("{DIR}/instrumentation.ts"), INSTRUMENTATION);
    out.text(format!("{DIR}/sentry.server.config.ts"), SERVER_CONFIG);
    out.text(format!("{DIR}/sentry.edge.config.ts"), EDGE_CONFIG);
    out.text(format!("{DIR}/middleware.ts"), MIDDLEWARE);
    out.text(
        ".env.example",
        "# Copy to .env. Sentry stays off while the DSN is empty.\nNEXT_PUBLIC_SENTRY_DSN=\n",
    );
    flavour(out, NextFlavor::Next13Webpack);
}

/// Makes `apps/web` the given flavour: its package.json (Next, the
/// Sentry SDK, the dev script) and next.config.js.
pub(crate) fn flavour(out: &mut Out, next: NextFlavor) {
    let pkg_path = format!("{DIR}/package.json");
    if let Some(mut pkg) = out
        .files
        .get(&pkg_path)
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
    {
        let (next_range, sentry, dev) = match next {
            NextFlavor::Next13Webpack => ("^13.5.4", "^8.55.0", "next dev"),
            NextFlavor::Next15Turbopack => ("^15.3.0", "^10.0.0", "next dev --turbopack"),
        };
        // Keep whatever the dev chain runs before the server (the
        // copy-script shape's `yarn copy-app-store-static && …`).
        let current = pkg["scripts"]["dev"].as_str().unwrap_or("next dev");
        let plain = current.replace("next dev --turbopack", "next dev");
        let dev = if plain.contains("next dev") {
            plain.replacen("next dev", dev, 1)
        } else {
            dev.to_string()
        };
        pkg["scripts"]["dev"] = dev.into();
        pkg["dependencies"]["next"] = next_range.into();
        pkg["dependencies"]["@sentry/nextjs"] = sentry.into();
        out.json(pkg_path, &pkg);
    }
    let config_path = format!("{DIR}/next.config.js");
    if let Some(text) = out
        .files
        .get(&config_path)
        .and_then(|b| String::from_utf8(b.clone()).ok())
    {
        const HOOK: &str = "    instrumentationHook: true,\n";
        let text = match next {
            // 13.5 compiles instrumentation only with the experimental flag.
            NextFlavor::Next13Webpack if !text.contains(HOOK) => text.replacen(
                "  experimental: {\n",
                &format!("  experimental: {{\n{HOOK}"),
                1,
            ),
            // 15 has it stable and warns about the flag.
            NextFlavor::Next15Turbopack => text.replacen(HOOK, "", 1),
            _ => text,
        };
        out.text(config_path, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(next: NextFlavor) -> Out {
        let mut out = Out::default();
        out.json(
            format!("{DIR}/package.json"),
            &serde_json::json!({ "name": "@calcom/web", "scripts": { "dev": "next dev" }, "dependencies": { "next": "^13.5.4" } }),
        );
        out.text(format!("{DIR}/next.config.js"), crate::web::NEXT_CONFIG);
        emit(&mut out);
        flavour(&mut out, next);
        out
    }

    fn text(out: &Out, path: &str) -> String {
        String::from_utf8(out.files[path].clone()).unwrap()
    }

    #[test]
    fn next13_turns_the_instrumentation_hook_on() {
        let out = sample(NextFlavor::Next13Webpack);
        let config = text(&out, "apps/web/next.config.js");
        assert_eq!(config.matches("instrumentationHook: true").count(), 1);
        let pkg = text(&out, "apps/web/package.json");
        assert!(pkg.contains("\"dev\": \"next dev\""), "{pkg}");
        assert!(pkg.contains("\"@sentry/nextjs\": \"^8.55.0\""), "{pkg}");
    }

    #[test]
    fn next15_uses_turbopack_and_drops_the_flag() {
        let out = sample(NextFlavor::Next15Turbopack);
        assert!(!text(&out, "apps/web/next.config.js").contains("instrumentationHook"));
        let pkg = text(&out, "apps/web/package.json");
        assert!(pkg.contains("\"dev\": \"next dev --turbopack\""), "{pkg}");
        assert!(pkg.contains("\"next\": \"^15.3.0\""), "{pkg}");
        assert!(pkg.contains("\"@sentry/nextjs\": \"^10.0.0\""), "{pkg}");
        assert_eq!(text(&out, "apps/web/instrumentation.ts"), INSTRUMENTATION);
    }
}
