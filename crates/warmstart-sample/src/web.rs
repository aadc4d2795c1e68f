//! `apps/web`: the Next.js 13.5 app — a next.config.js shaped like Cal.com's
//! (CopyWebpackPlugin copying app-store statics into `public/app-store`), a
//! `public/` folder with the user's own files, and the routes the dev-server
//! and closure work looks at: `/auth/login`, `/apps/[slug]` and
//! `/api/integrations/[...args]`.

use serde_json::json;

use crate::assets;
use crate::graph::{Graph, value_imports};
use crate::out::Out;
use crate::rng::Rng;

const DIR: &str = "apps/web";

pub(crate) const NEXT_CONFIG: &str = r#"require("dotenv").config({ path: "../../.env" });
const CopyWebpackPlugin = require("copy-webpack-plugin");
const os = require("os");
const { version } = require("./package.json");

process.env.NEXT_PUBLIC_CALCOM_VERSION = version;

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
  experimental: {
    serverComponentsExternalPackages: ["next-i18next"],
  },
  webpack: (config, { webpack, buildId, isServer }) => {
    if (isServer) {
      config.externals.push("sharp");
    }

    config.plugins.push(
      new CopyWebpackPlugin({
        patterns: [
          {
            from: "../../packages/app-store/**/static/**",
            to({ context, absoluteFilename }) {
              // Windows paths use backslashes.
              if (os.platform() === "win32") {
                const absoluteFilenameWin = absoluteFilename.replaceAll("\\", "/");
                const contextWin = context.replaceAll("\\", "/");
                const appName = /app-store\/(.*)\/static/.exec(absoluteFilenameWin);
                return Promise.resolve(`${contextWin}/public/app-store/${appName[1]}/[name][ext]`);
              }
              const appName = /app-store\/(.*)\/static/.exec(absoluteFilename);
              return Promise.resolve(`${context}/public/app-store/${appName[1]}/[name][ext]`);
            },
          },
        ],
      })
    );

    config.plugins.push(new webpack.DefinePlugin({ "process.env.BUILD_ID": JSON.stringify(buildId) }));

    config.resolve.fallback = {
      ...config.resolve.fallback,
      fs: false,
    };
    return config;
  },
  async rewrites() {
    return {
      beforeFiles: [{ source: "/forms/:formQuery*", destination: "/apps/routing-forms/routing-link/:formQuery*" }],
      afterFiles: [{ source: "/team/:teamname/avatar.png", destination: "/api/user/avatar?teamname=:teamname" }],
    };
  },
  async headers() {
    return [{ source: "/:path*", headers: [{ key: "X-Frame-Options", value: "SAMEORIGIN" }] }];
  },
};

module.exports = nextConfig;
"#;

/// The web app's package.json, next.config.js and tsconfig.
fn emit_config(out: &mut Out) {
    out.json(
        format!("{DIR}/package.json"),
        &json!({
            "name": "@calcom/web",
            "version": "4.7.24",
            "private": true,
            "scripts": {
                "dev": "next dev",
                "build": "next build",
                "start": "next start"
            },
            "dependencies": {
                "@calcom/app-store": "*",
                "@calcom/atoms": "*",
                "@calcom/features": "*",
                "@calcom/lib": "*",
                "@calcom/prisma": "*",
                "@calcom/ui": "*",
                "next": "^13.5.4",
                "react": "^18.2.0",
                "react-dom": "^18.2.0"
            },
            "devDependencies": {
                "@calcom/tsconfig": "*",
                "@calcom/types": "*",
                "copy-webpack-plugin": "^11.0.0",
                "dotenv": "^16.3.1"
            }
        }),
    );
    out.text(format!("{DIR}/next.config.js"), NEXT_CONFIG);
    out.json(
        format!("{DIR}/tsconfig.json"),
        &json!({
            "extends": "@calcom/tsconfig/nextjs.json",
            "compilerOptions": {
                "baseUrl": ".",
                "paths": {
                    "~/*": ["modules/*"],
                    "@components/*": ["components/*"],
                    "@lib/*": ["lib/*"]
                }
            },
            "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
            "exclude": ["node_modules"]
        }),
    );
    out.text(
        format!("{DIR}/next-env.d.ts"),
        "/// <reference types=\"next\" />\n/// <reference types=\"next/image-types/global\" />\n",
    );
}

/// The user's own public files: asset linking must leave them alone.
fn emit_public(out: &mut Out, rng: &mut Rng) {
    out.text(
        format!("{DIR}/public/robots.txt"),
        "User-agent: *\nDisallow: /api/\n",
    );
    out.bytes(format!("{DIR}/public/favicon.png"), assets::png(rng, 16));
    out.text(
        format!("{DIR}/public/logo.svg"),
        assets::svg_icon(rng, "Cal"),
    );
    out.json(
        format!("{DIR}/public/static/locales/en/common.json"),
        &json!({ "login": "Log in", "apps": "Apps", "install_app": "Install app" }),
    );
}

pub(crate) fn emit(out: &mut Out, graph: &Graph, rng: &mut Rng) {
    emit_config(out);
    emit_public(out, rng);
    out.text(
        format!("{DIR}/components/Loader.tsx"),
        "// Re-exports one component of the whole @calcom/ui barrel: no\n\
         // optimizePackageImports entry can rewrite this.\nexport { Loader as default } from \"@calcom/ui\";\n",
    );
    let picked = graph.pick(rng, &graph.features, 3);
    let path = format!("{DIR}/lib/app-providers.tsx");
    let (imports, expr) = value_imports(&path, &picked);
    out.text(
        path,
        format!(
            "import {{ CalProvider }} from \"@calcom/atoms/monorepo\";\n{imports}\n\
             export default function AppProviders(props: {{ children?: React.ReactNode }}) {{\n  \
             return <CalProvider key={{{expr}}}>{{props.children}}</CalProvider>;\n}}\n"
        ),
    );
    out.text(
        format!("{DIR}/modules/auth/login-view.tsx"),
        "import Loader from \"@components/Loader\";\n\n\
         import { useLocale } from \"@calcom/lib/hooks/useLocale\";\n\
         import { Button, TextField } from \"@calcom/ui\";\n\n\
         export default function Login(props: { loading?: boolean }) {\n  \
         const { t } = useLocale();\n  if (props.loading) return <Loader />;\n  \
         return (\n    <form>\n      <TextField />\n      <Button>{t(\"login\")}</Button>\n    </form>\n  );\n}\n",
    );
    out.text(
        format!("{DIR}/pages/_app.tsx"),
        "import AppProviders from \"@lib/app-providers\";\n\n\
         export default function App({ Component, pageProps }: { Component: React.ComponentType; pageProps: object }) {\n  \
         return (\n    <AppProviders>\n      <Component {...pageProps} />\n    </AppProviders>\n  );\n}\n",
    );
    out.text(
        format!("{DIR}/pages/index.tsx"),
        "import Shell from \"@calcom/features/shell/Shell\";\n\nexport default function Home() {\n  return <Shell />;\n}\n",
    );
    out.text(
        format!("{DIR}/pages/auth/login.tsx"),
        "import Login from \"~/auth/login-view\";\n\nexport default Login;\n",
    );
    out.text(
        format!("{DIR}/pages/apps/[slug].tsx"),
        "import { getAppFromSlug } from \"@calcom/app-store/utils\";\nimport { Badge } from \"@calcom/ui\";\n\n\
         export default function AppPage(props: { slug: string }) {\n  \
         const app = getAppFromSlug(props.slug);\n  return <Badge label={app?.name ?? props.slug} />;\n}\n",
    );
    out.text(
        format!("{DIR}/pages/api/integrations/[...args].ts"),
        "import type { NextApiRequest, NextApiResponse } from \"next\";\n\n\
         import { apiHandlers } from \"@calcom/app-store/apps.server.generated\";\n\n\
         export default async function handler(req: NextApiRequest, res: NextApiResponse) {\n  \
         const [appName, apiEndpoint] = (req.query.args as string[]) ?? [];\n  \
         const handlers = await apiHandlers[appName as keyof typeof apiHandlers];\n  \
         const run = (handlers as Record<string, (q: NextApiRequest, s: NextApiResponse) => unknown>)[apiEndpoint];\n  \
         return run ? run(req, res) : res.status(404).json({ message: \"Not found\" });\n}\n",
    );
}
