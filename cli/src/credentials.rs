//! Where credentials come from: the environment, or a profile file only its owner can
//! read, or standard input. Never from a flag that would land in the shell's history.

use std::path::{Path, PathBuf};

/// The credentials of one account. `Debug` shows which are set, never their values.
#[derive(Default, Clone)]
pub struct Credentials {
    pub api_key: Option<String>,
    pub api_secret: Option<String>,
    pub user: Option<String>,
    pub signer_key: Option<String>,
    /// V3: the main wallet's key, for what only it signs (agents, builders, sub-accounts).
    pub main_key: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key.is_some())
            .field("api_secret", &self.api_secret.is_some())
            .field("user", &self.user)
            .field("signer_key", &self.signer_key.is_some())
            .field("main_key", &self.main_key.is_some())
            .finish()
    }
}

/// A key that signs nothing: V3 clients need a wallet even for market data, which is
/// never signed. Calls that would be signed are refused before this key is used.
const PLACEHOLDER_KEY: &str = "0x0101010101010101010101010101010101010101010101010101010101010101";

impl Credentials {
    pub fn has_hmac(&self) -> bool {
        self.api_key.is_some() && self.api_secret.is_some()
    }

    pub fn has_wallet(&self) -> bool {
        self.user.is_some() && self.signer_key.is_some()
    }

    /// The wallet for a V3 client: the configured one, or a placeholder for unsigned calls.
    pub fn wallet_or_placeholder(&self) -> (String, String) {
        match (&self.user, &self.signer_key) {
            (Some(u), Some(k)) => (u.clone(), k.clone()),
            _ => {
                let key = aster::wallet::WalletKey::from_hex(PLACEHOLDER_KEY).map(|k| k.address().to_string());
                (key.unwrap_or_default(), PLACEHOLDER_KEY.to_string())
            }
        }
    }

    /// Fills what is unset from the environment.
    pub fn or_env(mut self) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        self.api_key = self.api_key.or_else(|| var("ASTER_API_KEY"));
        self.api_secret = self.api_secret.or_else(|| var("ASTER_API_SECRET"));
        self.user = self.user.or_else(|| var("ASTER_USER"));
        self.signer_key = self.signer_key.or_else(|| var("ASTER_SIGNER_KEY"));
        self.main_key = self.main_key.or_else(|| var("ASTER_MAIN_KEY"));
        self
    }

    /// Fills what is unset from section `profile` of a profile file (`key = value` lines;
    /// `[name]` starts a section; lines before any section are `default`). The file must
    /// be readable by its owner only.
    pub fn or_file(mut self, path: &Path, profile: &str) -> Result<Self, String> {
        check_owner_only(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut section = "default".to_string();
        let mut found = false;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_string();
                continue;
            }
            if section != profile {
                continue;
            }
            found = true;
            let Some((k, v)) = line.split_once('=') else {
                return Err(format!("{}: `{line}` is not `key = value`", path.display()));
            };
            let v = Some(v.trim().trim_matches('"').to_string());
            match k.trim() {
                "api_key" => self.api_key = self.api_key.or(v),
                "api_secret" => self.api_secret = self.api_secret.or(v),
                "user" => self.user = self.user.or(v),
                "signer_key" => self.signer_key = self.signer_key.or(v),
                "main_key" => self.main_key = self.main_key.or(v),
                other => return Err(format!("{}: unknown key `{other}`", path.display())),
            }
        }
        if !found && profile != "default" {
            return Err(format!("{}: no profile `[{profile}]`", path.display()));
        }
        Ok(self)
    }
}

/// The default profile file: `$ASTER_PROFILE_FILE`, else `~/.config/aster/credentials`.
pub fn default_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ASTER_PROFILE_FILE") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/aster/credentials"))
}

#[cfg(unix)]
fn check_owner_only(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} can be read by others (mode {:o}); it holds secrets: `chmod 600 {}` first",
            path.display(),
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_only(_: &Path) -> Result<(), String> {
    Ok(())
}

/// Reads one secret line from standard input (for `--api-secret-stdin`, `--signer-key-stdin`).
pub fn read_stdin_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read standard input: {e}"))?;
    let line = line.trim().to_string();
    if line.is_empty() {
        return Err("nothing on standard input".into());
    }
    Ok(line)
}
