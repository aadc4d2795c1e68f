//! Layout variants of the sample: the same monorepo, arranged the way a
//! given Cal.com generation arranges it.
//!
//! A shape is applied after the default layout is built, by rewriting or
//! adding files, so the default's bytes (and the seeded random streams)
//! never change when a shape is added. Adding one: a variant in [`Shape`],
//! its name in [`Shape::ALL`], its edits in [`apply`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::out::Out;
use crate::web::NEXT_CONFIG;

/// Which Cal.com layout the sample has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Cal.com v4.7 (2024): next.config.js copies the app statics with
    /// CopyWebpackPlugin on every compile.
    #[default]
    CopyPlugin,
    /// Cal.com 2025: no CopyWebpackPlugin; apps/web's `dev` and `build`
    /// run `yarn copy-app-store-static` first, a Node script (glob +
    /// `copyFileSync`) that copies them into `public/app-store/<app>/`, also
    /// declared as a turbo task.
    CopyScript,
    /// Cal.com 2025's web app on Next 15: the App Router, `next dev
    /// --turbopack`, React 19, and workspace barrels Turbopack compiles
    /// whole (`approuter.rs`).
    AppRouter,
}

/// The copy script of the `copy-script` shape (repo-relative).
pub const COPY_SCRIPT: &str = "apps/web/scripts/copy-app-store-static.js";

impl Shape {
    /// Every shape, in the order `--shape` lists them.
    pub const ALL: [Shape; 3] = [Shape::CopyPlugin, Shape::CopyScript, Shape::AppRouter];

    /// The name `--shape` takes.
    pub fn name(self) -> &'static str {
        match self {
            Shape::CopyPlugin => "copy-plugin",
            Shape::CopyScript => "copy-script",
            Shape::AppRouter => "app-router",
        }
    }

    /// One line for `--help`.
    pub fn about(self) -> &'static str {
        match self {
            Shape::CopyPlugin => {
                "Cal.com v4.7: CopyWebpackPlugin copies app statics on every compile"
            }
            Shape::CopyScript => {
                "Cal.com 2025: a copy script chained before `next dev` (and a turbo task)"
            }
            Shape::AppRouter => {
                "Cal.com 2025 on Next 15: App Router, `next dev --turbopack`, workspace barrels"
            }
        }
    }

    pub fn is_default(&self) -> bool {
        *self == Shape::default()
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Shape {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Shape::ALL
            .into_iter()
            .find(|shape| shape.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Shape::ALL.iter().map(|s| s.name()).collect();
                format!("unknown sample shape `{s}` (one of: {})", names.join(", "))
            })
    }
}

/// Turns the default layout in `out` into `shape`'s.
pub(crate) fn apply(shape: Shape, out: &mut Out) {
    match shape {
        Shape::CopyPlugin => {}
        Shape::CopyScript => copy_script(out),
        Shape::AppRouter => crate::approuter::apply(out),
    }
}

fn copy_script(out: &mut Out) {
    edit_json(out, "apps/web/package.json", |pkg| {
        pkg["scripts"] = json!({
            "copy-app-store-static": "node scripts/copy-app-store-static.js",
            "dev": "yarn copy-app-store-static && next dev",
            "build": "yarn copy-app-store-static && next build",
            "start": "next start"
        });
        if let Some(dev) = pkg["devDependencies"].as_object_mut() {
            dev.remove("copy-webpack-plugin");
            dev.insert("glob".into(), json!("^10.4.5"));
        }
    });
    edit_json(out, "turbo.json", |turbo| {
        if let Some(pipeline) = turbo["pipeline"].as_object_mut() {
            pipeline.insert(
                "@calcom/web#copy-app-store-static".into(),
                json!({
                    "inputs": ["../../packages/app-store/**/static/**"],
                    "outputs": ["public/app-store/**"]
                }),
            );
            pipeline.insert(
                "@calcom/web#build".into(),
                json!({
                    "dependsOn": ["^build", "@calcom/web#copy-app-store-static"],
                    "outputs": [".next/**"]
                }),
            );
        }
    });
    out.text("apps/web/next.config.js", without_copy_plugin(NEXT_CONFIG));
    out.text(COPY_SCRIPT, COPY_SCRIPT_JS);
}

fn edit_json(out: &mut Out, path: &str, f: impl FnOnce(&mut Value)) {
    let Some(bytes) = out.files.get(path) else {
        return;
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    f(&mut value);
    out.json(path, &value);
}

/// Cal.com's next.config.js after the copy moved to a script: the plugin,
/// its `require` and `os` (used only by the plugin's `to()`) are gone.
fn without_copy_plugin(config: &str) -> String {
    let mut text = config
        .replace(
            "const CopyWebpackPlugin = require(\"copy-webpack-plugin\");\n",
            "",
        )
        .replace("const os = require(\"os\");\n", "");
    let start = text.find("    config.plugins.push(\n      new CopyWebpackPlugin(");
    let end = start.and_then(|s| {
        text[s..]
            .find("\n    );\n\n")
            .map(|e| s + e + "\n    );\n\n".len())
    });
    if let (Some(start), Some(end)) = (start, end) {
        text.replace_range(start..end, "");
    }
    text
}

/// The copy script: written for this sample in the style of Cal.com's 2025
/// script (glob the app-store statics, copy each file flat into
/// `public/app-store/<app>/`), run from apps/web.
const COPY_SCRIPT_JS: &str = r#"// Copies each app's static files (icons, screenshots) from the app store
// into public/app-store/<app>/, where the pages load them from. Runs before
// `next dev` and `next build` (see package.json and turbo.json).
const fs = require("fs");
const path = require("path");
const glob = require("glob");

const copyAppStoreStatics = () => {
  const files = glob.sync("../../packages/app-store/**/static/**/*", { nodir: true });
  let copied = 0;
  for (const file of files.sort()) {
    // glob answers with the platform's separators.
    const match = /app-store\/(.*?)\/static\//.exec(file.split(path.sep).join("/"));
    if (!match) continue;
    const destination = path.join(process.cwd(), "public", "app-store", match[1]);
    fs.mkdirSync(destination, { recursive: true });
    fs.copyFileSync(file, path.join(destination, path.basename(file)));
    copied += 1;
  }
  console.log(`copied ${copied} app-store static files into public/app-store`);
};

copyAppStoreStatics();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for shape in Shape::ALL {
            assert_eq!(shape.name().parse::<Shape>().unwrap(), shape);
        }
        assert!(
            "webpack"
                .parse::<Shape>()
                .unwrap_err()
                .contains("copy-script")
        );
    }

    #[test]
    fn the_plugin_is_gone_and_the_rest_kept() {
        let text = without_copy_plugin(NEXT_CONFIG);
        assert!(
            !text.contains("CopyWebpackPlugin") && !text.contains("os."),
            "{text}"
        );
        assert!(text.contains("config.plugins.push(new webpack.DefinePlugin"));
        assert_eq!(
            NEXT_CONFIG.lines().count() - text.lines().count(),
            2 + 21,
            "two requires, the 20-line plugin block and the blank line after it"
        );
    }
}
