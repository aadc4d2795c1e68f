use std::path::Path;

/// The built-in defaults a repository gets without configuration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Cal.com's layout: `packages/app-store`, `apps/web/public/app-store`,
    /// the six registries of `app-store-cli build`, `yarn dev`.
    Calcom,
    /// Any other monorepo: nothing app-store specific is assumed.
    Generic,
}

impl Preset {
    /// Recognizes a Cal.com-shaped repository by its app store and web app.
    pub fn detect(root: &Path) -> Preset {
        let app_store = root.join("packages/app-store");
        let web = root.join("apps/web");
        if app_store.is_dir() && web.is_dir() {
            Preset::Calcom
        } else {
            Preset::Generic
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Calcom => "calcom",
            Preset::Generic => "generic",
        }
    }
}

impl std::str::FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "calcom" => Ok(Preset::Calcom),
            "generic" => Ok(Preset::Generic),
            other => Err(format!(
                "unknown preset `{other}` (expected `calcom` or `generic`)"
            )),
        }
    }
}
